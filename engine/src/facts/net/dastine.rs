//! Dastine's local service: a TCP connect to each of its loopback ports (nothing sent), and one
//! `GetVersion` request over its plain WebSocket, the exact text the knowledge base gives.
//! Nothing else is ever sent: no other command, no keep-alive, not even a close frame, and no
//! answer to a ping (the WebSocket library would queue a pong; the check ends before anything
//! flushes it). An answer larger than `MAX_ANSWER` is refused, a version longer than
//! `MAX_VERSION` is not a version.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use tungstenite::{HandshakeError, Message};

use crate::facts::Fact;
use crate::model::software::DastineConf;

/// The largest message or frame accepted from Dastine: its answers are a few hundred bytes.
pub(crate) const MAX_ANSWER: usize = 64 * 1024;
/// The longest version string kept ("5,0,4,7" is seven characters).
pub(crate) const MAX_VERSION: usize = 64;

pub fn check(conf: &DastineConf, budget: Duration) -> Fact {
    check_at(conf, Ipv4Addr::LOCALHOST, budget)
}

pub(crate) fn check_at(conf: &DastineConf, ip: Ipv4Addr, budget: Duration) -> Fact {
    let start = Instant::now();
    // Loopback connects answer at once; a port gets a short slice, the version request the rest.
    let per_port = (budget / 8).min(Duration::from_millis(1000));
    let mut ports = Map::new();
    let mut errors = Vec::new();
    for &p in &conf.ports {
        let state = match TcpStream::connect_timeout(&SocketAddr::from((ip, p)), per_port) {
            Ok(_) => "open",
            Err(e) => {
                if e.kind() != ErrorKind::ConnectionRefused {
                    errors.push(format!("port {p}: {e}"));
                }
                "closed"
            }
        };
        ports.insert(p.to_string(), json!(state));
    }
    let ws_open = ports.get(&conf.websocket.port.to_string()) == Some(&json!("open"))
        || !conf.ports.contains(&conf.websocket.port);
    let (version, error) = if ws_open {
        let left = budget.saturating_sub(start.elapsed());
        match get_version(conf, ip, left) {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(e)),
        }
    } else {
        (
            None,
            Some(format!(
                "nothing listens on port {}: Dastine's service is not running",
                conf.websocket.port
            )),
        )
    };
    let error = error.or_else(|| (!errors.is_empty()).then(|| errors.join("; ")));
    Fact::Value(json!({
        "ports": ports,
        "version": version,
        "error": error,
        "min_version": conf.min_version,
    }))
}

fn get_version(conf: &DastineConf, ip: Ipv4Addr, budget: Duration) -> Result<String, String> {
    let deadline = Instant::now() + budget;
    let left = || deadline.saturating_duration_since(Instant::now());
    let silent = || {
        format!(
            "Dastine accepted the connection on port {} but did not answer within {} ms",
            conf.websocket.port,
            budget.as_millis()
        )
    };
    let addr = SocketAddr::from((ip, conf.websocket.port));
    let stream = TcpStream::connect_timeout(&addr, left().max(Duration::from_millis(1)))
        .map_err(|e| format!("cannot connect to port {}: {e}", conf.websocket.port))?;
    let timeout = Some(left().max(Duration::from_millis(1)));
    stream
        .set_read_timeout(timeout)
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(timeout)
        .map_err(|e| e.to_string())?;
    let url = format!("ws://{ip}:{}{}", conf.websocket.port, conf.websocket.path);
    let limits = tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(MAX_ANSWER))
        .max_frame_size(Some(MAX_ANSWER));
    let (mut ws, _) = tungstenite::client::client_with_config(url.as_str(), stream, Some(limits))
        .map_err(|e| match e {
        // A read timeout on a blocking socket surfaces as an interrupted handshake.
        HandshakeError::Interrupted(_) => silent(),
        HandshakeError::Failure(tungstenite::Error::Io(e))
            if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
        {
            silent()
        }
        HandshakeError::Failure(e) => format!("the WebSocket handshake with Dastine failed: {e}"),
    })?;
    ws.send(Message::text(conf.request.clone()))
        .map_err(|e| format!("cannot send the version request: {e}"))?;
    loop {
        if left().is_zero() {
            return Err(silent());
        }
        let _ = ws
            .get_ref()
            .set_read_timeout(Some(left().max(Duration::from_millis(1))));
        match ws.read() {
            Ok(Message::Text(t)) => {
                if let Some(v) = version_in(t.as_str(), &conf.version_field)? {
                    return Ok(v);
                }
            }
            Ok(Message::Close(_)) => {
                return Err("Dastine closed the connection without answering".into());
            }
            // Returning now, before the next read or write, means the pong the library queued
            // is never sent.
            Ok(Message::Ping(_)) => {
                return Err(
                    "Dastine sent a ping instead of its version; tokenyar sends nothing but its one request, so it stopped"
                        .into(),
                );
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
            {
                return Err(silent());
            }
            Err(e) => return Err(format!("reading Dastine's answer failed: {e}")),
        }
    }
}

/// The version in one reply, `None` for a message that is not the reply (an event).
fn version_in(text: &str, field: &str) -> Result<Option<String>, String> {
    let v: Value = serde_json::from_str(text).map_err(|_| {
        format!(
            "Dastine answered with something that is not JSON: {:.80}",
            text
        )
    })?;
    match v.get(field) {
        Some(Value::String(s)) if s.chars().count() > MAX_VERSION => Err(format!(
            "Dastine answered with a version of {} characters, which is no version",
            s.chars().count()
        )),
        Some(Value::String(s)) if !s.is_empty() => {
            Ok(Some(crate::text::terminal_safe(s).into_owned()))
        }
        Some(Value::Number(n)) => Err(format!(
            "Dastine answered the version request with code {n}"
        )),
        _ => Ok(None),
    }
}
