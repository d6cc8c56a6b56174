//! Which facts a probe script reads, found by scanning its text: a live diagnosis then gathers
//! only those facts instead of the whole machine. The same scan finds which of its probe node's
//! `args` a script reads, so `kb check` can call a passed argument nothing reads a typo (E020).
//!
//! The scan is conservative. A key is known only when a call is written `fact("key")`,
//! `fact_or("key", ...)` or `fact_state("key")` with a plain string literal; anything that could
//! reach a fact some other way (a computed key, a method-style call, a function pointer to one of
//! these functions) makes the answer [`FactReads::All`]. Being wrong in that direction costs time;
//! the other direction cannot happen, since a fact missed by the scan is still read on demand.

use std::collections::BTreeSet;

use crate::facts::FactReads;

/// The host functions that read a fact; their first argument is the key.
const READERS: [&str; 3] = ["fact", "fact_or", "fact_state"];

/// One lexical token of Rhai, as far as the scan needs to tell them apart.
#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal without interpolation.
    Str(String),
    /// A back-tick string with `${...}`: code the scan does not look into.
    Interpolated(String),
    Punct(char),
}

/// The facts `source` reads. A script that does not lex is [`FactReads::All`] (it will not
/// compile either, so nothing runs it).
pub(crate) fn fact_reads(source: &str) -> FactReads {
    let Some(toks) = lex(source) else {
        return FactReads::All;
    };
    let mut keys = BTreeSet::new();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Ident(name) if READERS.contains(&name.as_str()) => {
                let method_style = i > 0 && toks[i - 1] == Tok::Punct('.');
                let literal = match (toks.get(i + 1), toks.get(i + 2), toks.get(i + 3)) {
                    (
                        Some(Tok::Punct('(')),
                        Some(Tok::Str(k)),
                        Some(Tok::Punct(',') | Tok::Punct(')')),
                    ) => Some(k),
                    _ => None,
                };
                match literal {
                    Some(k) if !method_style => {
                        keys.insert(k.clone());
                    }
                    _ => return FactReads::All,
                }
            }
            // `Fn("fact")`: a pointer whose calls the scan cannot follow; so is `Fn` of a name
            // computed at run time.
            Tok::Str(s) if READERS.contains(&s.as_str()) => return FactReads::All,
            Tok::Ident(name)
                if name == "Fn"
                    && !matches!(
                        (toks.get(i + 1), toks.get(i + 2), toks.get(i + 3)),
                        (
                            Some(Tok::Punct('(')),
                            Some(Tok::Str(_)),
                            Some(Tok::Punct(')'))
                        )
                    ) =>
            {
                return FactReads::All;
            }
            // Code inside `${...}` is not tokenised: any mention of a reader counts.
            Tok::Interpolated(s) if READERS.iter().any(|r| s.contains(r)) => {
                return FactReads::All;
            }
            _ => {}
        }
    }
    FactReads::Only(keys)
}

/// The keys of `args` that `source` reads: `args.key`, `args?.key`, `args["key"]`,
/// `args?["key"]` and `"key" in args`, also inside `${...}`. `None` when it may read others: it
/// uses `args` any other way (a computed key, a method such as `keys()`, passing it on, a
/// parameter of that name), or does not lex. A key the scan adds wrongly only silences E020;
/// `None` must cover every way to read one the scan does not name, or E020 would be wrong.
pub(crate) fn arg_reads(source: &str) -> Option<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    arg_keys(&lex(source)?, &mut keys)?;
    Some(keys)
}

fn arg_keys(toks: &[Tok], keys: &mut BTreeSet<String>) -> Option<()> {
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Ident(name) if name == "args" => {
                let before = |back: usize| i.checked_sub(back).and_then(|k| toks.get(k));
                // `x.args` is a field of some other map, `#{ args: … }` a key of a new one (a
                // message's arguments).
                if before(1) == Some(&Tok::Punct('.')) || toks.get(i + 1) == Some(&Tok::Punct(':'))
                {
                    continue;
                }
                if matches!(before(1), Some(Tok::Ident(w)) if w == "in") {
                    match before(2) {
                        Some(Tok::Str(k)) => {
                            keys.insert(k.clone());
                            continue;
                        }
                        // `for x in args`, `k in args`: any key.
                        _ => return None,
                    }
                }
                let at = i + 1 + usize::from(toks.get(i + 1) == Some(&Tok::Punct('?')));
                match (toks.get(at), toks.get(at + 1), toks.get(at + 2)) {
                    // `args.contains(...)` and other methods are not a key.
                    (Some(Tok::Punct('.')), Some(Tok::Ident(k)), next)
                        if next != Some(&Tok::Punct('(')) =>
                    {
                        keys.insert(k.clone());
                    }
                    (Some(Tok::Punct('[')), Some(Tok::Str(k)), Some(Tok::Punct(']'))) => {
                        keys.insert(k.clone());
                    }
                    _ => return None,
                }
            }
            // The code inside `${...}` is lexed with its surrounding text; a word `args` in the
            // text can only add a key or give up, never miss one.
            Tok::Interpolated(s) if s.contains("args") => arg_keys(&lex(s)?, keys)?,
            _ => {}
        }
    }
    Some(())
}

/// Splits Rhai source into the tokens above, skipping comments and white space. `None` when a
/// string or comment never ends.
fn lex(src: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while chars.get(i).is_some_and(|&c| c != '\n') {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            // Rhai's block comments nest.
            let mut depth = 0usize;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('/'), Some('*')) => {
                        depth += 1;
                        i += 2;
                    }
                    (Some('*'), Some('/')) => {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    }
                    (Some(_), _) => i += 1,
                    (None, _) => return None,
                }
            }
        } else if c == '"' || c == '\'' {
            let (text, end) = quoted(&chars, i, c)?;
            out.push(if c == '"' {
                Tok::Str(text)
            } else {
                Tok::Punct('\'')
            });
            i = end;
        } else if c == '`' {
            let (text, end) = quoted(&chars, i, '`')?;
            out.push(if text.contains("${") {
                Tok::Interpolated(text)
            } else {
                Tok::Str(text)
            });
            i = end;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    Some(out)
}

/// A quoted literal starting at `start`: its text (escapes resolved only as far as `\"`) and
/// the index after the closing quote.
fn quoted(chars: &[char], start: usize, quote: char) -> Option<(String, usize)> {
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        let c = *chars.get(i)?;
        if c == '\\' && quote != '`' {
            let escaped = *chars.get(i + 1)?;
            // Only a key spelled plainly is taken; any escape just has to keep the scan in step.
            text.push('\\');
            text.push(escaped);
            i += 2;
        } else if c == quote {
            return Some((text, i + 1));
        } else {
            text.push(c);
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(keys: &[&str]) -> FactReads {
        FactReads::Only(keys.iter().map(|k| k.to_string()).collect())
    }

    #[test]
    fn literal_keys_are_found() {
        let s = r#"
            // fact("commented") is not read
            /* nor /* nested */ fact("this") */
            let t = fact("token");
            let c = fact_or("clock.skew", ());
            if fact_state ( "windows.uac" ) == "value" { }
            let note = "a fact( \"x\" ) in a string is text";
        "#;
        assert_eq!(fact_reads(s), only(&["clock.skew", "token", "windows.uac"]));
    }

    #[test]
    fn anything_the_scan_cannot_follow_is_all() {
        for s in [
            r#"let k = "token"; fact(k)"#,
            r#"fact("tok" + "en")"#,
            r#""token".fact()"#,
            r#"let f = Fn("fact"); f.call("token")"#,
            r#"let f = Fn("fact_or"); f.call("token", ())"#,
            r#"let f = Fn("fa" + "ct"); f.call("token")"#,
            r#"fact"#,
            r#"let s = `${fact(args.key)}`;"#,
            r#"let s = "never ends"#,
            r#"/* never ends"#,
        ] {
            assert_eq!(fact_reads(s), FactReads::All, "{s}");
        }
    }

    #[test]
    fn look_alike_names_are_not_readers() {
        let s = r#"let facts = 1; let my_fact = fact_sheet("x"); fact_or_not("y"); Fn("helper");"#;
        assert_eq!(fact_reads(s), only(&[]));
    }

    fn keys(names: &[&str]) -> Option<BTreeSet<String>> {
        Some(names.iter().map(|k| k.to_string()).collect())
    }

    #[test]
    fn literal_arg_keys_are_found() {
        let s = r#"
            // args.commented is not read
            let v = args.min_version;
            let d = args?.fresh_days ?? 30;
            let y = args["years"] + args?["warn_days"];
            if "only_if_needed" in args { }
            let note = `at least ${args.at_least} days`;
            let other = cert.args.not_ours;
            let note = #{ id: "probe-x", args: #{ days: 3 } };
            let text = "args.in_a_string is text";
        "#;
        assert_eq!(
            arg_reads(s),
            keys(&[
                "at_least",
                "fresh_days",
                "min_version",
                "only_if_needed",
                "warn_days",
                "years"
            ])
        );
        assert_eq!(arg_reads("#{ status: \"ok\" }"), keys(&[]));
    }

    #[test]
    fn arg_uses_the_scan_cannot_follow_are_any_key() {
        for s in [
            r#"let k = "id"; args[k]"#,
            r#"for k in args.keys() { }"#,
            r#"args.keys()"#,
            r#"helper(args)"#,
            r#"let a = args; a.id"#,
            r#"fn f(args) { args.x }"#,
            r#"for k in args { }"#,
            r#"let s = `${args[k]}`;"#,
            r#"let s = "never ends"#,
        ] {
            assert_eq!(arg_reads(s), None, "{s}");
        }
    }

    #[test]
    fn unions() {
        let mut a = only(&["a"]);
        a.extend(&only(&["b"]));
        assert_eq!(a, only(&["a", "b"]));
        a.extend(&FactReads::All);
        assert_eq!(a, FactReads::All);
        a.extend(&only(&["c"]));
        assert_eq!(a, FactReads::All);
    }
}
