//! The Windows code path, run here: recorded outputs of `reg query`, `tasklist` and `sc query`
//! (engine/tests/fixtures/windows/) and a recorded adapter list go through the same
//! collectors a Windows machine runs, into facts, and the knowledge base's probes read those facts
//! to the findings a support agent expects.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};
use tokenyar_engine::facts::net;
use tokenyar_engine::facts::os;
use tokenyar_engine::facts::os::exec::CmdOutput;
use tokenyar_engine::facts::os::system::{Adapter, FakeSystem, Family};
use tokenyar_engine::facts::{Fact, Facts, Snapshot};
use tokenyar_engine::infer::Runner;
use tokenyar_engine::kb::{Kb, Source, Status};
use tokenyar_engine::model::software::SoftwareCatalog;

fn kb() -> Arc<Kb> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    Arc::new(tokenyar_engine::authoring::load_checked(&Source::from_dir(&dir).unwrap()).0)
}

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/windows")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn ok(name: &str) -> Result<CmdOutput, tokenyar_engine::facts::os::exec::ExecError> {
    Ok(CmdOutput::ok(&fixture(name)))
}

const ABSENT: &str = "ERROR: The system was unable to find the specified registry key or value.";

/// A recorded Windows machine (`problems` or `healthy`).
fn machine(which: &str) -> FakeSystem {
    let mut sys = FakeSystem::new(Family::Windows)
        .var("PROCESSOR_ARCHITECTURE", "AMD64")
        .var("COMPUTERNAME", "SARA-PC")
        .var("USERNAME", "sara")
        .var("SystemRoot", r"C:\Windows")
        .var("ProgramFiles", r"C:\Program Files")
        .var("ProgramFiles(x86)", r"C:\Program Files (x86)")
        .default_for(
            "reg",
            Ok(CmdOutput {
                code: Some(1),
                stdout: String::new(),
                stderr: ABSENT.into(),
            }),
        )
        .command(
            r"reg query HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall /s",
            ok(&format!("{which}-uninstall-hklm.txt")),
        )
        .command(
            r"reg query HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall /s",
            ok(&format!("{which}-uninstall-wow.txt")),
        )
        .command("tasklist /FO CSV /NH", ok(&format!("{which}-tasklist.txt")))
        // Recorded as one listing; the collector asks for the one service the KB names, and
        // picks it out of the answer by name.
        .command(
            "sc query DastineService",
            ok(&format!("{which}-sc-query.txt")),
        )
        .command(
            r"reg query HKCU\Control Panel\International",
            ok(&format!("{which}-international.txt")),
        )
        .command(
            r"reg query HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System",
            ok(&format!("{which}-uac.txt")),
        )
        .command(
            r"reg query HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion",
            ok("problems-currentversion.txt"),
        );
    if which == "problems" {
        sys = sys
            .command(
                r"reg query HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full",
                ok("problems-netfx.txt"),
            )
            .command(
                r"reg query HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings",
                ok("problems-internet-settings.txt"),
            )
            .file(r"C:\Windows\System32\ShuttleCsp11_3003.dll", "")
            .file(r"C:\Program Files (x86)\PKI\Dastine\DastineService.exe", "");
        sys = sys
            .command(
                r"reg query HKLM\SYSTEM\CurrentControlSet\Enum\USB /s",
                ok("problems-usb-enum.txt"),
            )
            .adapters(Ok(vec![
                adapter("Intel(R) Ethernet Connection (7) I219-V", "Ethernet", true),
                adapter("TAP-Windows Adapter V9", "Ethernet 2", true),
                adapter("WireGuard Tunnel", "office", false),
                Adapter {
                    loopback: true,
                    ..adapter(
                        "Software Loopback Interface 1",
                        "Loopback Pseudo-Interface 1",
                        true,
                    )
                },
            ]));
    }
    sys
}

fn adapter(description: &str, name: &str, up: bool) -> Adapter {
    Adapter {
        description: description.into(),
        name: name.into(),
        up,
        loopback: false,
    }
}

fn value(f: Fact) -> Value {
    match f {
        Fact::Value(v) => v,
        other => panic!("expected a value, got {other:?}"),
    }
}

fn catalog(kb: &Kb) -> SoftwareCatalog {
    (*kb.software).clone()
}

#[test]
fn a_problem_machine_is_read_into_contract_facts() {
    let kb = kb();
    let sys = machine("problems");
    let sw = value(os::software(&sys, &catalog(&kb)));
    let items = &sw["items"];
    // Java missing: the KB knows how to look for it, and it is not there.
    assert_eq!(items["java"]["installed"], json!(false), "{sw:#}");
    // Dastine installed (32-bit, from WOW6432Node) but its service stopped and no process.
    assert_eq!(items["dastine"]["installed"], json!(true));
    assert_eq!(items["dastine"]["arch"], json!("x86"));
    assert_eq!(items["dastine"]["version"], json!("5.0.4.7"));
    assert_eq!(items["dastine"]["running"], json!(false));
    assert_eq!(items["dastine"]["service_state"], json!("stopped"));
    // A virtual-drive tool installed.
    assert_eq!(items["virtual-clonedrive"]["installed"], json!(true));
    assert_eq!(
        items["virtual-clonedrive"]["category"],
        json!("virtual-drive")
    );
    assert_eq!(items["daemon-tools"]["installed"], json!(false));
    // .NET from its registry value; Acrobat 64-bit from its name.
    assert_eq!(items["dotnet"]["version"], json!("4.5.51209"));
    assert_eq!(items["acrobat"]["arch"], json!("x64"));
    assert_eq!(items["acrobat"]["install_date"], json!("2024-03-15"));
    // Updates listed under a parent are not programs.
    assert!(!sw.to_string().contains("KB5034441"));
    // The token software from its uninstall entry and its PKCS#11 library.
    let tm = &items["epass3003-token-manager"];
    assert_eq!(tm["installed"], json!(true));
    assert_eq!(tm["version"], json!("1.1.20.1105"));
    assert_eq!(tm["instances"], json!(2), "{tm:#}");
    assert_eq!(items["silverlight"]["installed"], json!(false));

    let cal = value(os::calendar(&sys));
    assert_eq!(
        cal,
        json!({"calendar_type": 22, "calendar": "persian", "short_date": "yyyy/MM/dd",
        "long_date": "dddd, d MMMM yyyy", "locale": "fa-IR"})
    );
    let uac = value(os::uac(&sys));
    assert_eq!(uac["enable_lua"], json!(1));
    assert_eq!(uac["consent_prompt_behavior_admin"], json!(5));
    assert_eq!(uac["filter_administrator_token"], json!(0));
    let o = value(os::os(&sys));
    assert_eq!(o["version"], json!("10.0.19045.4307"));
    assert_eq!(o["arch"], json!("x64"));
    assert_eq!(o["release"], json!("22H2"));
    let procs = value(os::processes(&sys));
    assert!(
        procs["names"]
            .as_array()
            .unwrap()
            .contains(&json!("VCDDaemon.exe"))
    );
    let servs = value(os::services(&sys, &catalog(&kb)));
    // Only the services the knowledge base names are asked about.
    assert_eq!(servs["named"], json!(["DastineService"]));
    assert_eq!(servs["items"].as_array().unwrap().len(), 1, "{servs:#}");
    assert_eq!(servs["items"][0]["state"], json!("stopped"));
    let usb = value(os::usb(&sys));
    assert_eq!(usb["devices"].as_array().unwrap().len(), 2, "{usb:#}");
    assert_eq!(usb["devices"][0]["vid"], json!("096e"));
    assert_eq!(usb["devices"][0]["pid"], json!("0703"));
    assert_eq!(usb["devices"][0]["product"], json!("USB Composite Device"));
    // The flash drive unplugged last week (no `Control` key) is not counted.
    assert_eq!(usb["devices"][1]["vid"], json!("8087"), "{usb:#}");
    let proxy = value(net::proxy(&sys));
    assert_eq!(proxy["enabled"], json!(true));
    assert_eq!(proxy["server"], json!("127.0.0.1:10809"));
    let vpn = value(net::vpn(&sys, &catalog(&kb)));
    assert_eq!(
        vpn["active"],
        json!([{"name": "Ethernet 2", "kind": "TAP-Windows Adapter V9"}])
    );

    // Only standard commands ran.
    for line in sys.ran.lock().unwrap().iter() {
        let prog = line.split(' ').next().unwrap();
        assert!(["reg", "tasklist", "sc"].contains(&prog), "{line}");
        assert!(
            !line.contains(" add ") && !line.contains(" delete "),
            "{line}"
        );
    }
}

/// The facts a Windows machine gives, as a snapshot probes read.
fn facts_of(sys: &FakeSystem, kb: &Kb, dastine: Value) -> Arc<dyn Facts> {
    let mut m = BTreeMap::new();
    m.insert("os".to_string(), os::os(sys));
    m.insert("os.calendar".into(), os::calendar(sys));
    m.insert("windows.uac".into(), os::uac(sys));
    m.insert("software".into(), os::software(sys, &catalog(kb)));
    m.insert("net.vpn".into(), net::vpn(sys, &catalog(kb)));
    m.insert("net.proxy".into(), net::proxy(sys));
    m.insert("net.dastine".into(), Fact::Value(dastine));
    Arc::new(Snapshot::new(m))
}

fn run(kb: &Arc<Kb>, f: &Arc<dyn Facts>, system: &str, probe: &str) -> (Status, String) {
    let r = Runner::new(Arc::clone(kb), Arc::clone(f), Some(system.into())).run(probe);
    let said = [&r.note, &r.reason]
        .into_iter()
        .flatten()
        .map(|m| m.text(tokenyar_engine::kb::Lang::En))
        .collect::<Vec<_>>()
        .join("; ");
    (r.status, format!("{said} {r:?}"))
}

#[test]
fn the_probes_find_each_problem_of_the_recorded_machine() {
    let kb = kb();
    let sys = machine("problems");
    let stopped = json!({"ports": {"51356": "closed", "51357": "closed"}, "version": null,
        "error": "nothing listens on port 51356"});
    let f = facts_of(&sys, &kb, stopped);
    let cases = [
        (
            "setad",
            "general/probe/java",
            Status::Fail,
            "\"installed\": Bool(false)",
        ),
        (
            "sabt-man",
            "general/probe/dastine",
            Status::Fail,
            "not answer",
        ),
        (
            "setad",
            "general/java-error/uac",
            Status::Fail,
            "enable_lua",
        ),
        ("amlak", "general/probe/calendar", Status::Fail, "persian"),
        (
            "general",
            "general/probe/virtual-drive",
            Status::Fail,
            "virtual-clonedrive",
        ),
        ("setad", "general/probe/dotnet", Status::Warn, "4.5.51209"),
        ("general", "general/probe/vpn-proxy", Status::Warn, "10809"),
        ("setad", "general/probe/prerequisites", Status::Fail, "java"),
    ];
    for (system, probe, want, shows) in cases {
        let (s, dbg) = run(&kb, &f, system, probe);
        assert_eq!(s, want, "{probe}: {dbg}");
        assert!(dbg.contains(shows), "{probe} should show {shows}: {dbg}");
    }
}

#[test]
fn the_healthy_recorded_machine_passes_the_same_probes() {
    let kb = kb();
    let sys = machine("healthy");
    let sw = value(os::software(&sys, &catalog(&kb)));
    // Both Java 8 installs are seen; the newest one is reported.
    assert_eq!(sw["items"]["java"]["version"], json!("8 Update 401"));
    assert_eq!(sw["items"]["java"]["arch"], json!("x64"));
    assert_eq!(sw["items"]["java"]["instances"], json!(2));
    assert_eq!(sw["items"]["dastine"]["running"], json!(true));
    let answering =
        json!({"ports": {"51356": "open", "51357": "open"}, "version": "5,0,4,7", "error": null});
    let f = facts_of(&sys, &kb, answering);
    for (system, probe) in [
        ("setad", "general/probe/java"),
        ("sabt-man", "general/probe/dastine"),
        ("setad", "general/java-error/uac"),
        ("amlak", "general/probe/calendar"),
        ("general", "general/probe/virtual-drive"),
    ] {
        let (s, dbg) = run(&kb, &f, system, probe);
        assert_eq!(s, Status::Ok, "{probe}: {dbg}");
    }
}

#[test]
fn a_failing_command_makes_a_fact_unknown_not_wrong() {
    let kb = kb();
    let sys = FakeSystem::new(Family::Windows).default_for(
        "reg",
        Ok(CmdOutput {
            code: Some(5),
            stdout: String::new(),
            stderr: "ERROR: Access is denied.".into(),
        }),
    );
    assert!(matches!(os::calendar(&sys), Fact::Unknown(r) if r.contains("Access is denied")));
    assert!(matches!(os::uac(&sys), Fact::Unknown(_)));
    // Without tasklist, sc or reg the program list is still read as far as it can be, and says
    // what it could not read.
    let sw = value(os::software(&sys, &catalog(&kb)));
    assert!(sw["problems"].as_array().unwrap().len() >= 3, "{sw:#}");
    assert_eq!(sw["items"]["dastine"]["running"], json!(null));
    // USB devices and network adapters: unreadable, empty or not read is "cannot tell", never
    // "no token plugged in" or "no VPN".
    assert!(matches!(os::usb(&sys), Fact::Unknown(r) if r.contains("Access is denied")));
    assert!(matches!(net::vpn(&sys, &catalog(&kb)), Fact::Unknown(_)));
    let empty = FakeSystem::new(Family::Windows)
        .adapters(Ok(vec![]))
        .command(
            r"reg query HKLM\SYSTEM\CurrentControlSet\Enum\USB /s",
            Ok(CmdOutput::ok(
                "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Enum\\USB\r\n",
            )),
        );
    assert!(matches!(os::usb(&empty), Fact::Unknown(_)));
    assert!(matches!(net::vpn(&empty, &catalog(&kb)), Fact::Unknown(_)));
    let refused = FakeSystem::new(Family::Windows).adapters(Err("access denied".into()));
    assert!(matches!(net::vpn(&refused, &catalog(&kb)), Fact::Unknown(r) if r == "access denied"));
}

#[test]
fn diagnose_on_the_recorded_machine_names_each_case() {
    use tokenyar_engine::infer::diagnose;
    let kb = kb();
    let sys = machine("problems");
    let stopped = json!({"ports": {"51356": "closed", "51357": "closed"}, "version": null,
        "error": "nothing listens on port 51356"});
    let f = facts_of(&sys, &kb, stopped);
    let cases = |system: &str| -> Vec<String> {
        diagnose(&kb, Arc::clone(&f), Some(system))
            .findings
            .into_iter()
            .map(|f| f.case)
            .collect()
    };
    // Other systems' subtrees may add findings of their own; these must be among them.
    let expect = [
        (
            "general",
            vec![
                "general/conflicting-software",
                "general/security-software",
                "general/dastine-error",
            ],
        ),
        (
            "setad",
            // Java is checked by a general and a Setad symptom; the Setad one speaks for both.
            vec![
                "general/java-error|setad/jre-not-installed",
                "general/prerequisites-missing",
            ],
        ),
        (
            "sabt-man",
            vec!["general/dastine-error|sabt-man/token-detection-signing"],
        ),
        (
            "amlak",
            // The calendar is checked by the clock case and by the registry's error 402.
            vec![
                "general/clock-wrong|amlak/error-402",
                "general/prerequisites-missing|amlak/error-11",
            ],
        ),
    ];
    for (system, want) in expect {
        let got = cases(system);
        for w in want {
            assert!(
                got.iter().any(|g| w.split('|').any(|alt| g == alt)),
                "{system}: expected {w} in {got:?}"
            );
        }
    }
    // Java is not a problem for a system that does not need it.
    assert!(!cases("sabt-man").contains(&"general/java-error".to_string()));
}
