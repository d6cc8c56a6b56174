//! The one state model of the app. `update` changes it, `draw` only reads it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use tokenyar_engine::facts::Facts;
use tokenyar_engine::infer::session::Purpose;
use tokenyar_engine::infer::{Diagnosis, Runner, Session};
use tokenyar_engine::kb::{Kb, Lang};
use tokenyar_engine::lookup::{Hit, Index};

use crate::bidi::{BidiMode, Shaping, TerminalInfo, TextOpts};
use crate::i18n::I18n;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Home,
    Walk,
    Diagnose,
    Report,
    Settings,
    Help,
}

/// What the user can change on the settings screen (saved between runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub lang: Lang,
    pub bidi: BidiMode,
    pub shaping: Shaping,
    /// Support-agent mode: raw evidence, national ids unmasked, agent-only remedies shown.
    pub agent: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: Lang::Fa,
            bidi: BidiMode::App,
            shaping: Shaping::Auto,
            agent: false,
        }
    }
}

/// Home: the search field and the list under it (lookup results, then the systems).
#[derive(Debug, Clone, Default)]
pub struct Home {
    pub query: String,
    /// Byte offset of the cursor in `query` (logical order).
    pub cursor: usize,
    pub hits: Vec<Hit>,
    pub sel: usize,
}

/// A probe running on a worker thread.
#[derive(Debug, Clone)]
pub struct Pending {
    pub job: u64,
    pub probe: String,
    pub purpose: Purpose,
    pub started: Instant,
}

pub struct Walk {
    pub session: Session,
    pub runner: Arc<Runner>,
    pub sel: usize,
    pub pending: Option<Pending>,
    pub evidence_open: bool,
    /// The list of earlier steps is open, with this one selected.
    pub steps_open: Option<usize>,
    /// Rows scrolled from where the selection puts the view (negative: up).
    pub scroll: i32,
    /// Rows the evidence pane is scrolled.
    pub ev_scroll: i32,
}

#[derive(Debug, Clone, Default)]
pub struct Diag {
    pub system: Option<String>,
    pub result: Option<Diagnosis>,
    pub pending: Option<(u64, Instant)>,
    pub sel: usize,
    pub expanded: BTreeSet<usize>,
    pub scroll: i32,
}

#[derive(Debug, Clone, Default)]
pub struct ReportView {
    pub path: String,
    pub cursor: usize,
    pub saved: Option<Result<String, String>>,
    pub scroll: i32,
}

pub struct Model {
    pub kb: Arc<Kb>,
    pub index: Arc<Index>,
    pub facts: Arc<dyn Facts>,
    pub i18n: std::rc::Rc<I18n>,
    pub settings: Settings,
    pub term: TerminalInfo,
    pub screen: Screen,
    /// Where Esc returns to from help, settings and the report.
    pub return_to: Screen,
    pub home: Home,
    pub walk: Option<Walk>,
    pub diag: Option<Diag>,
    pub report: ReportView,
    pub settings_sel: usize,
    pub help_scroll: i32,
    /// Support-agent mode: the raw evidence is shown under the words (the `d` key).
    pub details: bool,
    /// Esc on a walk with answers asks first: this is the question on screen.
    pub confirm_leave: bool,
    /// The time of the latest tick (spinners and "taking longer than usual").
    pub now: Instant,
    /// The wall clock at the latest tick, for report times.
    pub wall: DateTime<FixedOffset>,
    pub tick: u64,
    pub next_job: u64,
    /// Where the facts come from when they are not this machine's (a bundle file name).
    pub replay: Option<String>,
    pub size: (u16, u16),
    pub quit: bool,
}

/// After this long a probe's progress line says it is taking longer than usual.
pub const SLOW_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

impl Model {
    pub fn new(
        kb: Arc<Kb>,
        facts: Arc<dyn Facts>,
        settings: Settings,
        term: TerminalInfo,
    ) -> Model {
        let index = Arc::new(Index::build(&kb));
        Model {
            kb,
            index,
            facts,
            i18n: std::rc::Rc::new(I18n::new()),
            settings,
            term,
            screen: Screen::Home,
            return_to: Screen::Home,
            home: Home::default(),
            walk: None,
            diag: None,
            report: ReportView::default(),
            settings_sel: 0,
            help_scroll: 0,
            details: false,
            confirm_leave: false,
            now: Instant::now(),
            wall: chrono::Local::now().fixed_offset(),
            tick: 0,
            next_job: 1,
            replay: None,
            size: (80, 24),
            quit: false,
        }
    }

    pub fn lang(&self) -> Lang {
        self.settings.lang
    }

    pub fn rtl(&self) -> bool {
        self.settings.lang.rtl()
    }

    pub fn t(&self, id: &str) -> String {
        self.i18n.t(self.settings.lang, id)
    }

    pub fn ta(&self, id: &str, args: &[(&str, fluent_bundle::FluentValue)]) -> String {
        self.i18n.ta(self.settings.lang, id, args)
    }

    /// A probe's note or reason in the UI language.
    pub fn msg(&self, m: &tokenyar_engine::i18n::Message) -> String {
        self.i18n.message(self.settings.lang, m)
    }

    /// Whether the app shapes letters itself with the current settings.
    pub fn shapes(&self) -> bool {
        match self.settings.shaping {
            Shaping::On => true,
            Shaping::Off => false,
            Shaping::Auto => self.term.shapes_in_app(),
        }
    }

    pub fn text_opts(&self) -> TextOpts {
        TextOpts {
            bidi: self.settings.bidi,
            shape: self.shapes(),
        }
    }

    /// Whether a text field has the keyboard (letters are then text, not shortcuts).
    pub fn typing(&self) -> bool {
        matches!(self.screen, Screen::Home | Screen::Report)
    }

    /// The home list: lookup hits first, then every system.
    pub fn home_len(&self) -> usize {
        self.home.hits.len() + self.kb.systems.len()
    }

    /// The system the user chose on home (the highlighted one, or the highlighted hit's).
    pub fn home_system(&self) -> Option<String> {
        let h = &self.home;
        if h.sel < h.hits.len() {
            return Some(h.hits[h.sel].system.clone());
        }
        self.kb
            .systems
            .get(h.sel - h.hits.len())
            .map(|s| s.id.clone())
    }

    pub fn system_name(&self, id: &str) -> String {
        self.kb
            .system(id)
            .map(|s| s.name.get(self.lang()).to_string())
            .unwrap_or_else(|| id.to_string())
    }
}
