//! A guided walk through the knowledge base.
//!
//! The session is a state machine that never runs a probe itself: [`Session::need`] says what
//! it is waiting for (a probe result, an answer, a remedy outcome), so a UI can run probes on a
//! worker thread and stay live. [`Session::run_until_input`] does the probe part synchronously
//! for the command line and tests. The state is plain data: it can be saved and resumed.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Runner;
use crate::kb::Kb;
use crate::model::{Body, Kind, Node, Status};
use crate::probe::ProbeResult;

/// How the walk arrived at a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "snake_case")]
pub enum Via {
    Start,
    /// The user picked a choice of the previous question.
    Answer {
        choice: usize,
    },
    /// A probe answered the previous question for the user.
    Auto {
        probe: String,
        status: Status,
    },
    /// The previous step was a probe with this result.
    Probe {
        status: Status,
    },
    /// The user read the previous step, or it was a symptom that leads on by itself.
    Next,
    /// The previous remedy did not help.
    Unresolved,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    pub node: String,
    #[serde(flatten)]
    pub via: Via,
    pub at: DateTime<Utc>,
}

/// What became of a remedy the user tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemedyOutcome {
    /// The user said it helped and the verify probe agreed (or there was none).
    Helped,
    /// The user said it helped but the verify probe still finds the problem.
    VerifyFailed,
    /// The user said it did not help.
    NotHelped,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tried {
    pub remedy: String,
    pub outcome: RemedyOutcome,
    pub at: DateTime<Utc>,
}

/// How a walk ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "end", rename_all = "snake_case")]
pub enum End {
    Resolved {
        remedy: String,
        verified: bool,
    },
    /// Nothing more to try: contact someone (the node carries `escalate:`).
    Escalated {
        node: String,
    },
    /// A text node with nothing after it.
    Finished {
        node: String,
    },
}

/// One probe result kept as evidence, with what it was run for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evidence {
    pub probe: String,
    /// The node the probe ran for (itself, a question it answered, a remedy it verified).
    pub for_node: String,
    pub result: ProbeResult,
    /// The index of the step the walk stood at (absent in sessions saved before it existed), so
    /// an explanation puts the result at the right visit of a node the walk saw twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
}

/// The walk as plain data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WalkState {
    pub system: Option<String>,
    pub steps: Vec<Step>,
    pub evidence: Vec<Evidence>,
    pub tried: Vec<Tried>,
    pub ended: Option<End>,
    /// Questions at these step indexes already asked their auto probe, which could not tell.
    #[serde(default)]
    pub auto_tried: Vec<usize>,
    /// A remedy whose verify the user asked for, waiting for the probe.
    #[serde(default)]
    pub verifying: Option<usize>,
}

/// What the walk waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// Run this probe and `supply` its result.
    Probe { probe: String, purpose: Purpose },
    /// The user picks a choice of this question.
    Answer { node: String },
    /// Show the remedy; the user says whether it helped.
    Remedy { node: String, verify_failed: bool },
    /// Show the text; the user goes on.
    Read { node: String, has_next: bool },
    /// The walk is over.
    Ended(End),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The current node is a probe.
    Step,
    /// The current question may be answered by this probe.
    AutoAnswer,
    /// The user says the current remedy helped; this probe checks.
    Verify,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WalkError {
    #[error("the node `{0}` does not exist in this knowledge base")]
    NoSuchNode(String),
    #[error("that is not possible now: the walk is waiting for {0}")]
    NotNow(String),
    #[error("there is no choice {0} here")]
    NoSuchChoice(usize),
}

/// A guided walk over a shared knowledge base.
pub struct Session {
    kb: Arc<Kb>,
    pub state: WalkState,
}

/// A guard against a knowledge base whose probes lead round in circles.
const MAX_AUTO_STEPS: usize = 500;

impl Session {
    /// Starts at `start` (a system root, a symptom from the lookup, any node).
    pub fn start(kb: Arc<Kb>, start: &str, system: Option<String>) -> Result<Session, WalkError> {
        if kb.node(start).is_none() {
            return Err(WalkError::NoSuchNode(start.into()));
        }
        let mut s = Session {
            kb,
            state: WalkState {
                system,
                ..Default::default()
            },
        };
        s.push(start, Via::Start);
        Ok(s)
    }

    /// Resumes a saved walk; fails with the first step this knowledge base no longer has.
    pub fn resume(kb: Arc<Kb>, state: WalkState) -> Result<Session, WalkError> {
        if let Some(missing) = state.steps.iter().find(|s| kb.node(&s.node).is_none()) {
            return Err(WalkError::NoSuchNode(missing.node.clone()));
        }
        Ok(Session { kb, state })
    }

    pub fn kb(&self) -> &Arc<Kb> {
        &self.kb
    }

    /// The system whose rules apply now: the last system subtree the walk entered (a walk from
    /// the general root into Setad's judges by Setad's rules), else the one it started with.
    pub fn system(&self) -> Option<&str> {
        self.state
            .steps
            .iter()
            .rev()
            .filter_map(|s| self.kb.node(&s.node))
            .map(|n| n.system.as_str())
            .find(|s| *s != "general")
            .or(self.state.system.as_deref())
    }

    pub fn current(&self) -> Option<&Node> {
        self.state.steps.last().and_then(|s| self.kb.node(&s.node))
    }

    pub fn steps(&self) -> &[Step] {
        &self.state.steps
    }

    /// How many questions the user answered (not counting those a probe answered).
    pub fn questions_answered(&self) -> usize {
        self.state
            .steps
            .iter()
            .filter(|s| matches!(s.via, Via::Answer { .. }))
            .count()
    }

    /// The cases of the nodes visited, in order, without repeats.
    pub fn cases(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.state.steps {
            if let Some(c) = self.kb.node(&s.node).and_then(|n| n.case.clone())
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
        out
    }

    /// The remedies shown so far, in order.
    pub fn remedies(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.state.steps {
            if self
                .kb
                .node(&s.node)
                .is_some_and(|n| n.kind == Kind::Remedy)
                && !out.contains(&s.node)
            {
                out.push(s.node.clone());
            }
        }
        out
    }

    /// The latest evidence per probe.
    pub fn evidence(&self) -> BTreeMap<&str, &ProbeResult> {
        self.state
            .evidence
            .iter()
            .map(|e| (e.probe.as_str(), &e.result))
            .collect()
    }

    pub fn need(&self) -> Need {
        if let Some(end) = &self.state.ended {
            return Need::Ended(end.clone());
        }
        let Some(node) = self.current() else {
            return Need::Ended(End::Finished {
                node: String::new(),
            });
        };
        let idx = self.state.steps.len() - 1;
        match &node.body {
            Body::Probe { .. } => Need::Probe {
                probe: node.id.clone(),
                purpose: Purpose::Step,
            },
            Body::Question { auto: Some(p), .. } if !self.state.auto_tried.contains(&idx) => {
                Need::Probe {
                    probe: p.clone(),
                    purpose: Purpose::AutoAnswer,
                }
            }
            Body::Question { .. } => Need::Answer {
                node: node.id.clone(),
            },
            Body::Remedy { verify, .. } => match (self.state.verifying, verify) {
                (Some(i), Some(p)) if i == idx => Need::Probe {
                    probe: p.clone(),
                    purpose: Purpose::Verify,
                },
                _ => Need::Remedy {
                    node: node.id.clone(),
                    verify_failed: self.state.tried.last().is_some_and(|t| {
                        t.remedy == node.id && t.outcome == RemedyOutcome::VerifyFailed
                    }),
                },
            },
            Body::Info { next } | Body::Symptom { next, .. } => Need::Read {
                node: node.id.clone(),
                has_next: next.is_some(),
            },
        }
    }

    /// Feeds the result of the probe `need()` asked for.
    pub fn supply(&mut self, probe: &str, result: ProbeResult) -> Result<(), WalkError> {
        let Need::Probe {
            probe: wanted,
            purpose,
        } = self.need()
        else {
            return Err(WalkError::NotNow(format!("{:?}", self.need())));
        };
        if wanted != probe {
            return Err(WalkError::NotNow(format!("the probe `{wanted}`")));
        }
        let idx = self.state.steps.len() - 1;
        let here = self.state.steps[idx].node.clone();
        let status = result.status;
        self.state.evidence.push(Evidence {
            probe: probe.into(),
            for_node: here.clone(),
            result,
            step: Some(idx),
        });
        let node = self
            .kb
            .node(&here)
            .cloned()
            .ok_or_else(|| WalkError::NoSuchNode(here.clone()))?;
        match (purpose, &node.body) {
            (Purpose::Step, Body::Probe { outcomes, .. }) => match outcomes.next(status) {
                Some(next) => self.push(next, Via::Probe { status }),
                None => self.state.ended = Some(End::Finished { node: here }),
            },
            (Purpose::AutoAnswer, Body::Question { choices, .. }) => {
                match choices.iter().find(|c| c.when.contains(&status)) {
                    Some(c) => {
                        let next = c.next.clone();
                        self.push(
                            &next,
                            Via::Auto {
                                probe: probe.into(),
                                status,
                            },
                        );
                    }
                    None => self.state.auto_tried.push(idx),
                }
            }
            (Purpose::Verify, Body::Remedy { .. }) => {
                self.state.verifying = None;
                let verified = status == Status::Ok;
                // A check that cannot tell is no evidence against the user's «it helped»: the
                // walk ends resolved, unconfirmed, as for a remedy with no check.
                let unconfirmed = status == Status::Unknown;
                self.state.tried.push(Tried {
                    remedy: here.clone(),
                    outcome: if verified || unconfirmed {
                        RemedyOutcome::Helped
                    } else {
                        RemedyOutcome::VerifyFailed
                    },
                    at: Utc::now(),
                });
                if verified || unconfirmed {
                    self.state.ended = Some(End::Resolved {
                        remedy: here,
                        verified,
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The user picks choice `index` (0-based) of the current question.
    pub fn answer(&mut self, index: usize) -> Result<(), WalkError> {
        let Need::Answer { node } = self.need() else {
            return Err(WalkError::NotNow(format!("{:?}", self.need())));
        };
        let Some(Body::Question { choices, .. }) = self.kb.node(&node).map(|n| n.body.clone())
        else {
            return Err(WalkError::NoSuchNode(node));
        };
        let choice = choices.get(index).ok_or(WalkError::NoSuchChoice(index))?;
        self.push(&choice.next, Via::Answer { choice: index });
        Ok(())
    }

    /// The user read a text node and goes on.
    pub fn proceed(&mut self) -> Result<(), WalkError> {
        let Need::Read { node, .. } = self.need() else {
            return Err(WalkError::NotNow(format!("{:?}", self.need())));
        };
        match self.kb.node(&node).map(|n| &n.body) {
            Some(Body::Info { next: Some(n) } | Body::Symptom { next: Some(n), .. }) => {
                let n = n.clone();
                self.push(&n, Via::Next);
            }
            _ => self.state.ended = Some(End::Finished { node }),
        }
        Ok(())
    }

    /// The user says the remedy helped: verify it when the remedy has a probe for that.
    pub fn remedy_helped(&mut self) -> Result<(), WalkError> {
        let Need::Remedy { node, .. } = self.need() else {
            return Err(WalkError::NotNow(format!("{:?}", self.need())));
        };
        let has_verify = matches!(
            self.kb.node(&node).map(|n| &n.body),
            Some(Body::Remedy {
                verify: Some(_),
                ..
            })
        );
        if has_verify {
            self.state.verifying = Some(self.state.steps.len() - 1);
        } else {
            self.state.tried.push(Tried {
                remedy: node.clone(),
                outcome: RemedyOutcome::Helped,
                at: Utc::now(),
            });
            self.state.ended = Some(End::Resolved {
                remedy: node,
                verified: false,
            });
        }
        Ok(())
    }

    /// The user says the remedy did not help: go on to `unresolved`, or escalate.
    pub fn remedy_not_helped(&mut self) -> Result<(), WalkError> {
        let Need::Remedy { node, .. } = self.need() else {
            return Err(WalkError::NotNow(format!("{:?}", self.need())));
        };
        self.state.tried.push(Tried {
            remedy: node.clone(),
            outcome: RemedyOutcome::NotHelped,
            at: Utc::now(),
        });
        match self.kb.node(&node).map(|n| &n.body) {
            Some(Body::Remedy {
                unresolved: Some(u),
                ..
            }) => {
                let u = u.clone();
                self.push(&u, Via::Unresolved);
            }
            _ => self.state.ended = Some(End::Escalated { node }),
        }
        Ok(())
    }

    /// Indexes of steps the user can go back to: those where the walk waited for them.
    pub fn stops(&self) -> Vec<usize> {
        (0..self.state.steps.len())
            .filter(
                |&i| match self.kb.node(&self.state.steps[i].node).map(|n| &n.body) {
                    Some(Body::Probe { .. }) | None => false,
                    Some(Body::Symptom { next, .. }) => next.is_none(),
                    Some(Body::Question { .. }) => {
                        // A question a probe answered is not a stop: the next step came by itself.
                        !matches!(
                            self.state.steps.get(i + 1).map(|s| &s.via),
                            Some(Via::Auto { .. })
                        )
                    }
                    _ => true,
                },
            )
            .collect()
    }

    /// Back to the previous place the walk waited for the user. After the walk ended, back
    /// reopens the step it ended on.
    pub fn back(&mut self) -> bool {
        let last = self.state.steps.len().saturating_sub(1);
        let stops = self.stops();
        if self.state.ended.take().is_some() {
            self.state.verifying = None;
            if stops.contains(&last) {
                return true;
            }
        }
        match stops.iter().rev().find(|&&i| i < last) {
            Some(&i) => self.back_to(i),
            None => false,
        }
    }

    /// Back to step `index`, forgetting everything after it.
    pub fn back_to(&mut self, index: usize) -> bool {
        if index >= self.state.steps.len() {
            return false;
        }
        self.state.steps.truncate(index + 1);
        self.state.auto_tried.retain(|&i| i < index);
        // What was observed at the step and after it is observed again (like `auto_tried`).
        self.state
            .evidence
            .retain(|e| e.step.is_none_or(|s| s < index));
        self.state.ended = None;
        self.state.verifying = None;
        true
    }

    /// Runs every probe the walk needs until it waits for the user (or ends).
    pub fn run_until_input(&mut self, runner: &Runner) -> Need {
        for _ in 0..MAX_AUTO_STEPS {
            match self.need() {
                Need::Probe { probe, purpose } => {
                    let system = self.system().map(str::to_string);
                    let r = if purpose == Purpose::Verify {
                        runner.rerun_in(&probe, system.as_deref())
                    } else {
                        runner.run_in(&probe, system.as_deref())
                    };
                    if self.supply(&probe, r).is_err() {
                        break;
                    }
                }
                other => return other,
            }
        }
        let here = self
            .state
            .steps
            .last()
            .map(|s| s.node.clone())
            .unwrap_or_default();
        self.state.ended = Some(End::Finished { node: here });
        self.need()
    }

    fn push(&mut self, node: &str, via: Via) {
        self.state.steps.push(Step {
            node: node.to_string(),
            via,
            at: Utc::now(),
        });
        // A symptom that leads on is a label, not a stop: continue at once.
        if let Some(Body::Symptom { next: Some(n), .. }) = self.kb.node(node).map(|n| &n.body)
            && self.state.steps.len() < MAX_AUTO_STEPS
        {
            let n = n.clone();
            self.push(&n, Via::Next);
        }
    }
}
