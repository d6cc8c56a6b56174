//! The clock's offset from a trusted time source: the `Date` header of a plain HTTP `HEAD`, or
//! an SNTP query. The sources are the knowledge base's; the first that answers wins.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::facts::Fact;
use crate::model::software::{TimeKind, TimeSource};

/// One measurement: how far the local clock is behind (negative) or ahead of the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Source time minus local time, seconds. Positive: the local clock is slow.
    pub offset: f64,
    pub rtt: Duration,
}

pub fn skew(sources: &[TimeSource], budget: Duration) -> Fact {
    let deadline = Instant::now() + budget;
    let mut tried = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        // A silent source gets its share of the budget, not all of it.
        let left = deadline.saturating_duration_since(Instant::now()) / (sources.len() - i) as u32;
        if left.is_zero() {
            tried.push(format!("{}: no time left", s.host));
            break;
        }
        let r = match s.kind {
            TimeKind::HttpDate => http_date(&s.host, left),
            TimeKind::Ntp => ntp(&s.host, left),
        };
        match r {
            Ok(m) => {
                // Our convention: positive when the local clock is ahead.
                let offset = -m.offset;
                return Fact::Value(json!({
                    "offset_seconds": offset.round() as i64,
                    "source": s.kind.name(),
                    "host": s.host,
                    "checked_at": Utc::now().to_rfc3339(),
                    "rtt_ms": m.rtt.as_millis() as u64,
                }));
            }
            Err(e) => tried.push(format!("{} ({}): {e}", s.host, s.kind.name())),
        }
    }
    Fact::Unknown(format!("no time server answered: {}", tried.join("; ")))
}

fn resolve(host: &str, default_port: u16) -> Result<SocketAddr, String> {
    let with_port = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:{default_port}")
    };
    with_port
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve: {e}"))?
        .next()
        .ok_or_else(|| "the name resolves to no address".into())
}

fn secs(d: chrono::TimeDelta) -> f64 {
    d.num_microseconds()
        .map_or(d.num_seconds() as f64, |us| us as f64 / 1e6)
}

/// `HEAD /` over plain HTTP; any status will do, as long as the reply carries `Date`.
pub(crate) fn http_date(host: &str, timeout: Duration) -> Result<Measure, String> {
    let addr = resolve(host, 80)?;
    let start = Instant::now();
    let t0 = Utc::now();
    let mut s =
        TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("cannot connect: {e}"))?;
    let left = timeout
        .saturating_sub(start.elapsed())
        .max(Duration::from_millis(1));
    s.set_read_timeout(Some(left)).map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(left)).map_err(|e| e.to_string())?;
    let name = host.split(':').next().unwrap_or(host);
    let req = format!(
        "HEAD / HTTP/1.1\r\nHost: {name}\r\nUser-Agent: tokenyar/{}\r\nConnection: close\r\n\r\n",
        crate::VERSION
    );
    s.write_all(req.as_bytes())
        .map_err(|e| format!("cannot send: {e}"))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(format!("no answer: {e}")),
        }
    }
    let t1 = Utc::now();
    let head = String::from_utf8_lossy(&buf);
    let date = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("date")
                .then(|| v.trim().to_string())
        })
        .ok_or("the answer has no Date header")?;
    let server = DateTime::parse_from_rfc2822(&date)
        .map_err(|e| format!("the Date header {date:?} cannot be read: {e}"))?
        .with_timezone(&Utc);
    let mid = t0 + (t1 - t0) / 2;
    // The header is truncated to the second: its true value is half a second later on average.
    Ok(Measure {
        offset: secs(server - mid) + 0.5,
        rtt: (t1 - t0).to_std().unwrap_or_default(),
    })
}

const NTP_UNIX_DELTA: f64 = 2_208_988_800.0;

fn ntp_time(b: &[u8]) -> f64 {
    let s = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as f64;
    let f = u32::from_be_bytes([b[4], b[5], b[6], b[7]]) as f64 / 4_294_967_296.0;
    s + f - NTP_UNIX_DELTA
}

fn unix_now() -> f64 {
    let n = Utc::now();
    n.timestamp() as f64 + f64::from(n.timestamp_subsec_micros()) / 1e6
}

/// One SNTP exchange (RFC 4330): offset = ((T2 - T1) + (T3 - T4)) / 2.
pub fn ntp(host: &str, timeout: Duration) -> Result<Measure, String> {
    let addr = resolve(host, 123)?;
    let bind = if addr.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let sock = UdpSocket::bind(bind).map_err(|e| e.to_string())?;
    sock.set_read_timeout(Some(timeout.max(Duration::from_millis(1))))
        .map_err(|e| e.to_string())?;
    let mut req = [0u8; 48];
    req[0] = 0x23; // leap 0, version 4, mode 3 (client)
    let t1 = unix_now();
    let ts = t1 + NTP_UNIX_DELTA;
    req[40..44].copy_from_slice(&(ts.trunc() as u32).to_be_bytes());
    req[44..48].copy_from_slice(&((ts.fract() * 4_294_967_296.0) as u32).to_be_bytes());
    sock.send_to(&req, addr)
        .map_err(|e| format!("cannot send: {e}"))?;
    let mut resp = [0u8; 128];
    let (n, _) = sock
        .recv_from(&mut resp)
        .map_err(|e| format!("no answer: {e}"))?;
    let t4 = unix_now();
    if n < 48 || resp[0] & 0x07 != 4 || resp[24..32] != req[40..48] {
        return Err("the answer is not an NTP reply to our request".into());
    }
    let t2 = ntp_time(&resp[32..40]);
    let t3 = ntp_time(&resp[40..48]);
    Ok(Measure {
        offset: ((t2 - t1) + (t3 - t4)) / 2.0,
        rtt: Duration::from_secs_f64(((t4 - t1) - (t3 - t2)).max(0.0)),
    })
}
