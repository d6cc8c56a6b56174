//! Local network checks against fake servers on the loopback interface (random ports): Dastine's
//! WebSocket, and the time sources of the clock check. Nothing here leaves this machine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{Value, json};
use tokenyar_engine::facts::live::LiveFacts;
use tokenyar_engine::facts::net::{dastine, time};
use tokenyar_engine::facts::provider::LiveOptions;
use tokenyar_engine::facts::{Fact, Facts};
use tokenyar_engine::kb::Source;
use tokenyar_engine::model::software::{DastineConf, SoftwareCatalog, TimeKind, TimeSource};

fn software() -> SoftwareCatalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    let (kb, _) = tokenyar_engine::kb::Kb::load(&Source::from_dir(&dir).unwrap());
    (*kb.software).clone()
}

/// The knowledge base's Dastine settings, pointed at test ports.
fn conf(ws_port: u16, other: u16) -> DastineConf {
    let mut c = software().dastine.unwrap();
    c.ports = vec![ws_port, other];
    c.websocket.port = ws_port;
    c
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fake Dastine: answers the first text message with `reply`, and records every data frame it
/// receives until the client goes away.
fn fake_dastine(reply: &'static str) -> (u16, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let got2 = Arc::clone(&got);
    std::thread::spawn(move || {
        // The port check connects first and sends nothing; the WebSocket comes second.
        for stream in l.incoming().take(3) {
            let Ok(stream) = stream else { continue };
            let got = Arc::clone(&got2);
            std::thread::spawn(move || {
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let Ok(mut ws) = tungstenite::accept(stream) else {
                    return;
                };
                let mut answered = false;
                while let Ok(m) = ws.read() {
                    if let tungstenite::Message::Text(t) = m {
                        got.lock().unwrap().push(t.as_str().to_string());
                        if !answered {
                            answered = true;
                            let _ = ws.send(tungstenite::Message::text(reply));
                        }
                    }
                }
            });
        }
    });
    (port, got)
}

#[test]
fn dastine_is_asked_its_version_and_nothing_else() {
    let (port, got) = fake_dastine(r#"{"command":"GetVersion","Result":"5,0,4,7","tab":"t1"}"#);
    let other = closed_port();
    let c = conf(port, other);
    let Fact::Value(v) = dastine::check(&c, Duration::from_secs(3)) else {
        panic!()
    };
    assert_eq!(v["version"], json!("5,0,4,7"), "{v:#}");
    assert_eq!(v["ports"][port.to_string()], json!("open"));
    assert_eq!(v["ports"][other.to_string()], json!("closed"));
    assert_eq!(v["error"], Value::Null);
    std::thread::sleep(Duration::from_millis(200));
    let sent = got.lock().unwrap().clone();
    assert_eq!(
        sent,
        vec![c.request.clone()],
        "exactly the KB's request, once"
    );
    let req: Value = serde_json::from_str(&sent[0]).unwrap();
    assert_eq!(req["command"], json!("GetVersion"));
    assert_eq!(req["src"], json!("dastine.js"));
}

#[test]
fn a_dastine_port_that_accepts_and_never_answers_is_cut_at_its_deadline() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().take(3) {
            held.push(s); // accept and keep open, never write
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let c = conf(port, closed_port());
    let t = Instant::now();
    let Fact::Value(v) = dastine::check(&c, Duration::from_millis(800)) else {
        panic!()
    };
    let took = t.elapsed();
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    assert_eq!(v["version"], Value::Null);
    assert_eq!(v["ports"][port.to_string()], json!("open"));
    let err = v["error"].as_str().unwrap();
    assert!(err.contains("did not answer"), "{err}");
}

#[test]
fn dastine_not_running_and_dastine_refusing() {
    let c = conf(closed_port(), closed_port());
    let Fact::Value(v) = dastine::check(&c, Duration::from_secs(2)) else {
        panic!()
    };
    assert_eq!(v["version"], Value::Null);
    assert!(v["error"].as_str().unwrap().contains("not running"), "{v}");

    let (port, _) = fake_dastine(r#"{"command":"GetVersion","Result":78}"#);
    let c = conf(port, closed_port());
    let Fact::Value(v) = dastine::check(&c, Duration::from_secs(2)) else {
        panic!()
    };
    assert_eq!(v["version"], Value::Null);
    assert!(v["error"].as_str().unwrap().contains("code 78"), "{v}");
}

#[test]
fn the_live_provider_reads_ports_and_request_from_the_kb() {
    let (port, got) = fake_dastine(r#"{"Result":"5,0,3,0"}"#);
    let mut sw = software();
    let d = sw.dastine.as_mut().unwrap();
    d.ports = vec![port];
    d.websocket.port = port;
    d.request = r#"{"command":"GetVersion","src":"dastine.js","info":"abc"}"#.into();
    let live = LiveFacts::new(LiveOptions {
        offline: true,
        software: Arc::new(sw),
        deadline: Duration::from_secs(3),
        ..LiveOptions::default()
    });
    let Fact::Value(v) = live.read("net.dastine") else {
        panic!()
    };
    assert_eq!(v["version"], json!("5,0,3,0"));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        got.lock().unwrap()[0],
        r#"{"command":"GetVersion","src":"dastine.js","info":"abc"}"#
    );
    // Offline means no remote time check.
    assert!(matches!(live.read("clock.skew"), Fact::Unknown(r) if r.contains("offline")));
}

/// A fake web server whose clock is `skew` seconds off ours; answers any request with a redirect.
fn fake_http(skew: i64) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().take(4) {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let date =
                (Utc::now() + chrono::TimeDelta::seconds(skew)).format("%a, %d %b %Y %H:%M:%S GMT");
            let _ = write!(
                s,
                "HTTP/1.1 301 Moved Permanently\r\nLocation: https://x/\r\nDate: {date}\r\nContent-Length: 0\r\n\r\n"
            );
        }
    });
    port
}

fn fake_ntp(skew: f64) -> u16 {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = sock.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut buf = [0u8; 48];
        for _ in 0..4 {
            let Ok((_, from)) = sock.recv_from(&mut buf) else {
                return;
            };
            let now = Utc::now().timestamp_micros() as f64 / 1e6 + skew + 2_208_988_800.0;
            let ts = |t: f64| {
                let mut b = [0u8; 8];
                b[..4].copy_from_slice(&(t.trunc() as u32).to_be_bytes());
                b[4..].copy_from_slice(&((t.fract() * 4_294_967_296.0) as u32).to_be_bytes());
                b
            };
            let mut r = [0u8; 48];
            r[0] = 0x24; // version 4, mode 4 (server)
            r[1] = 2;
            r[24..32].copy_from_slice(&buf[40..48]);
            r[32..40].copy_from_slice(&ts(now));
            r[40..48].copy_from_slice(&ts(now));
            let _ = sock.send_to(&r, from);
        }
    });
    port
}

fn offset(f: &Fact) -> i64 {
    match f {
        Fact::Value(v) => v["offset_seconds"].as_i64().unwrap(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn clock_skew_from_an_http_date() {
    // The server is an hour behind: our clock is an hour ahead (positive offset).
    let port = fake_http(-3600);
    let src = [TimeSource {
        kind: TimeKind::HttpDate,
        host: format!("127.0.0.1:{port}"),
    }];
    let f = time::skew(&src, Duration::from_secs(3));
    assert!((offset(&f) - 3600).abs() <= 2, "{f:?}");
    let Fact::Value(v) = &f else { panic!() };
    assert_eq!(v["source"], json!("http-date"));
    // And an accurate server gives (almost) no offset.
    let port = fake_http(0);
    let src = [TimeSource {
        kind: TimeKind::HttpDate,
        host: format!("127.0.0.1:{port}"),
    }];
    assert!(offset(&time::skew(&src, Duration::from_secs(3))).abs() <= 1);
}

#[test]
fn clock_skew_from_ntp() {
    let port = fake_ntp(120.0);
    let src = [TimeSource {
        kind: TimeKind::Ntp,
        host: format!("127.0.0.1:{port}"),
    }];
    let f = time::skew(&src, Duration::from_secs(3));
    assert!((offset(&f) + 120).abs() <= 1, "{f:?}");
}

#[test]
fn a_silent_time_server_is_skipped_within_the_budget() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let _held: Vec<_> = silent.incoming().take(2).collect();
        std::thread::sleep(Duration::from_secs(30));
    });
    let good = fake_http(0);
    let sources = [
        TimeSource {
            kind: TimeKind::HttpDate,
            host: format!("127.0.0.1:{silent_port}"),
        },
        TimeSource {
            kind: TimeKind::HttpDate,
            host: format!("127.0.0.1:{good}"),
        },
    ];
    // The silent source gets its share of the budget, then the next one answers.
    let t = Instant::now();
    let f = time::skew(&sources, Duration::from_millis(1000));
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t.elapsed()
    );
    assert!(offset(&f).abs() <= 1, "{f:?}");
    // Alone, it ends the check as unknown, on time, naming it.
    let t = Instant::now();
    let f = time::skew(&sources[..1], Duration::from_millis(600));
    assert!(
        t.elapsed() < Duration::from_millis(1200),
        "{:?}",
        t.elapsed()
    );
    assert!(
        matches!(&f, Fact::Unknown(r) if r.contains(&silent_port.to_string())),
        "{f:?}"
    );
    // A refused source is skipped at once and the next one answers.
    let sources = [
        TimeSource {
            kind: TimeKind::HttpDate,
            host: format!("127.0.0.1:{}", closed_port()),
        },
        TimeSource {
            kind: TimeKind::HttpDate,
            host: format!("127.0.0.1:{good}"),
        },
    ];
    let f = time::skew(&sources, Duration::from_secs(3));
    assert!(offset(&f).abs() <= 1, "{f:?}");
}
