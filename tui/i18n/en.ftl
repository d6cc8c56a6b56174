# tokenyar's interface texts in English. Every id here must also be in fa.ftl (a test checks).
# Knowledge-base texts (questions, remedies, systems) are not here: they come from kb/.

app-name = tokenyar
screen-home = Home
screen-walk = Guided troubleshooting
screen-diagnose = Check everything
screen-report = Report
screen-settings = Settings
screen-help = Help
badge-agent = support agent mode
badge-replay = replaying { $file }

home-search-title = Type the error message you see
home-placeholder = e.g. the certificate is not valid, token not found, PIN locked…
home-intro = Type or paste the error you see (in Persian or English), or pick the system you were using.
home-results = Cases that match what you typed:
home-no-results = Nothing matches yet. Try other words from the message, or pick a system below.
home-systems = Systems

walk-checking = { $probe }…
walk-verifying = Checking again — { $probe }…
walk-slow = This is taking longer than usual. tokenyar is still waiting for the answer; you can go back with b.
walk-continue = Continue
walk-helped = It helped
walk-not-helped = It did not help
walk-step-back = Go back one step
walk-report = Save a report
walk-home = Back to the home screen
walk-save-session = Save the walk for a support agent (F6)
leave-title = Leave this walk?
leave-question = Leave the guided walk and go back to the home screen?
leave-explain = Your answers so far are lost once you start another walk. Esc or Enter leaves; F6 first saves the walk in a file a support agent can resume; any other key stays here.
walk-verify-failed = I checked again and the problem is still there. Go through the steps once more, or choose «It did not help».
walk-agent-only = This fix is done by a support agent; tokenyar does not show its steps in user mode.
walk-contact = Contact: { $contact }
walk-collect = Have these ready:
walk-resolved = Good: you said this fixed the problem.
walk-resolved-verified = Solved: tokenyar checked again and the problem is gone.
walk-escalated = tokenyar has nothing more to try here. Contact the support named above.
walk-finished = This is the end of the guided steps.
steps-title = Go back to an earlier step

evidence-title = Evidence
evidence-none = No check has run yet in this walk.
evidence-reason = Why it could not tell
evidence-raw = Raw values (press d to hide):


diag-title = Checks: { $system }
diag-all-systems = all systems
diag-running = Running every check…
diag-summary = { $problems ->
    [0] No problems
    [one] 1 problem
   *[other] { $problems } problems
}, { $warnings ->
    [0] no warnings
    [one] 1 warning
   *[other] { $warnings } warnings
} in { $checks } checks.
diag-none = No problem found.
diag-unknown = { $count ->
    [one] 1 check could not tell
   *[other] { $count } checks could not tell
} (marked ?): open one to see why; a connected token is needed for most checks.
diag-status = Result
diag-remedy = Fix
diag-walk-hint = Press w for a guided walk through this case.

report-save-title = Save the report as
report-save-hint = Enter saves the file; the name can be edited.
report-saved-to = Saved: { $path }
session-no-walk = There is no guided walk to save yet: start one from the home screen.
report-save-failed = Could not save: { $error }
report-preview = Preview
report-empty = Nothing to report yet: start a guided walk or run the checks (F5).

settings-lang = Language
settings-bidi = Right-to-left order (BiDi)
settings-shaping = Joining Persian letters
settings-mode = Mode
mode-user = user
mode-agent = support agent
bidi-app = tokenyar orders the text (best for most terminals)
bidi-terminal = the terminal orders the text (Konsole, mlterm, macOS Terminal)
bidi-off = no reordering at all
shaping-on = tokenyar joins the letters
shaping-off = the terminal joins the letters
shaping-now-on = on for this terminal
shaping-now-off = off for this terminal
settings-sample-intro = The same Persian sentence, shown each way. Pick the settings under which it reads correctly, from right to left, with the letters joined:
settings-sample = گواهی امضای شما (Sign) تا ۱۴۰۴/۰۸/۳۰ معتبر است؛ رمز توکن: ۳ بار دیگر.
sample-app = Ordered by tokenyar (bidi = app):
sample-logical = As written, for a terminal that orders it (bidi = terminal):
sample-shaped = Letters joined by tokenyar (shaping = on):
sample-unshaped = Letters as they are (shaping = off):
settings-saved-note = Changes are saved for the next time you run tokenyar.

help-intro = tokenyar asks about your problem, checks your token and computer, and walks you to the fix. Everything works from the keyboard; the mouse can click list items and scroll.
help-global = Everywhere
help-bidi = If Persian text looks reversed or its letters look broken apart, change «Right-to-left order» or «Joining Persian letters» in the settings (F3): the settings screen shows a sample of each choice.
key-help = this help
key-lang = switch language (فارسی / English)
key-settings = settings
key-report = report: preview and save
key-diagnose = check everything for the chosen system
key-save-session = save the walk for a support agent
key-back = back, close
key-quit = quit
key-move = move up and down (Tab too)
key-page = a page up or down
key-home-start = start with the highlighted case or system
key-home-type = type to search; Backspace deletes
key-walk-select = choose, continue, or confirm the fix
key-walk-number = choose by number
key-walk-not-helped = the fix did not help
key-walk-evidence = show or hide the evidence
key-walk-back = one step back
key-walk-steps = go back to any earlier step
key-details = support agent mode: show or hide the raw evidence
key-diag-expand = open or close a check (evidence and fix)
key-diag-walk = guided walk for this case
key-diag-rerun = run the checks again
key-report-save = save the file
key-report-path = edit the file name
key-settings-change = change the value

hint-start = start
hint-diagnose = check all
hint-lang = فارسی
hint-help = help
hint-quit = quit
hint-select = choose
hint-evidence = evidence
hint-steps = steps
hint-back = back
hint-not-helped = did not help
hint-report = report
hint-home = home
hint-expand = open
hint-walk = walk
hint-rerun = again
hint-save = save
hint-scroll = scroll
hint-close = close
hint-move = move
hint-change = change
hint-settings = settings
hint-save-session = save for support
hint-details = details
hint-leave = leave
hint-stay = any other key: stay

## The command line (`tokenyar diagnose`, `lookup`, `collect`, `session resume`, errors)

cli-checks = Checks: { $system }
cli-summary-problems = { $problems ->
    [0] No problem
    [one] 1 problem
   *[other] { $problems } problems
}, { $warnings ->
    [0] no warning
    [one] 1 warning
   *[other] { $warnings } warnings
} in { $checks } checks.
cli-summary-unknown = { $count ->
    [one] 1 check could not tell (marked ?).
   *[other] { $count } checks could not tell (marked ?).
}
cli-no-problem = No problem found.
cli-fix = Fix
cli-collected = recorded { $count } facts in { $path }; national ids, user and host names are replaced by placeholders
cli-collected-raw = recorded { $count } facts in { $path }; personal data is NOT redacted
cli-lookup-empty = the text to look up is empty: give the error message you see
cli-lookup-none = Nothing in the knowledge base matches this text.
cli-lookup-systems = Choose the system you are working with for a guided walk (run `tokenyar` with no command):
cli-lookup-matches = matches
cli-session-saved = Session saved { $when } with knowledge base { $saved } (this one: { $current })
cli-session-changed = note: the knowledge base changed: step { $step } (`{ $node }`) now leads to `{ $to }`
cli-session-path = Path:
cli-session-tried = Tried:
cli-next-question = Next: the question
cli-next-remedy = Next: the remedy
cli-next-read = Next: read
cli-next-check = Next: a check
cli-still-broken = (checking again still finds the problem)
cli-ended-resolved = The walk ended: resolved by
cli-ended-escalated = The walk ended: contact support after
cli-ended-finished = The walk ended at
err-unknown-system = unknown system “{ $system }”; known systems: { $known }
err-unknown-lang = unknown language “{ $lang }”: use one of { $known }
err-unknown-report-lang = unknown language “{ $lang }”: use both or one of { $known }
err-cannot-write = cannot write { $path }: { $error }
err-report-source = give --session FILE or --snapshot FILE
err-report-system = --system goes with --snapshot; a session knows its system

## `tokenyar kb …` (the checker's findings themselves stay in English: docs/i18n.md)

cli-kb-check-summary = kb check: { $errors } error(s), { $warnings } warning(s) in { $nodes } nodes, { $scripts } scripts, { $scenarios } scenarios ({ $origin })
cli-kb-test-ok = {"ok  "}
cli-kb-test-fail = FAIL
cli-kb-test-walk = walk ({ $questions } question(s) answered):
cli-kb-test-summary = { $passed } passed, { $failed } failed
cli-kb-coverage-summary = { $covered }/{ $cases } catalog cases have nodes and tests; { $reachable }/{ $cases } are reachable from their system's root
    { $scenarios } scenarios ({ $failing } failing)
    { $unreached } nodes no scenario reaches
cli-kb-coverage-median = median questions asked per scenario: { $median }
cli-add-test-wrote = wrote { $test } and { $bundle }
cli-add-test-walk = walk: { $walk }
cli-add-test-findings = findings: { $findings }
cli-add-test-diverged = note: replayed on this knowledge base, the walk leaves the saved one at step { $step }; the test expects the walk as it goes now
cli-add-test-passes = it passes (`tokenyar kb test` runs it from now on)
err-add-test-kb = kb add-test writes into a working copy of the knowledge base: give --kb DIR (or run it where ./kb is)

## Why a command stopped (`errors.rs`). Paths and the details from outside tokenyar are quoted.

err-unknown-system-plain = unknown system “{ $system }”
err-built-in-kb = the built-in knowledge base cannot be read ({ $error }); reinstall tokenyar
err-module-not-found = --pkcs11-module { $path }: file not found
err-token-deadline = --token-deadline takes a number of seconds between 0 and 600, not { $value }
err-bidi-mode = unknown --bidi “{ $value }”: use app, terminal or off
err-shaping-mode = unknown --shaping “{ $value }”: use auto, on or off
err-cannot-draw = { $kind ->
    [legacy] this console (no VT support: Windows 7 or the legacy console)
   *[other] this terminal
} cannot draw the interactive screen ({ $error }); the commands work here: see `tokenyar --help`, for example `tokenyar diagnose`
err-needs-terminal = the interactive screen needs a terminal; see `tokenyar --help` for the commands
err-broken-kb = the knowledge base at { $origin } has { $count ->
    [one] 1 error
   *[other] { $count } errors
}; run `tokenyar kb check` to see them
    { $first }
err-output = cannot write the output: { $error }
err-cannot-read = cannot read { $path }: { $error }
err-io-not-found = no such file or folder
err-io-permission = permission denied
err-io-exists = it already exists
err-io-is-folder = it is a folder
err-io-disk-full = the disk is full
err-io-read-only = the disk is read-only
err-file-exists = { $path } already exists; give --force to replace it, or another name
err-file-is-input = { $path } is also an input of this run; write the output somewhere else
err-file-too-large = { $path } is { $size } bytes, more than the { $limit } bytes tokenyar reads; it is not read
err-not-a-file = { $path } is not a file
err-not-kb = { $path } is not a knowledge base folder: it has no systems.yaml
err-bundle-invalid = { $where }: not a valid bundle (a saved machine file): { $detail }
err-not-bundle = { $path }: not a tokenyar bundle (its `format` is { $found }, expected { $expected })
err-bundle-newer = { $path }: this bundle is version { $version }, newer than this tokenyar understands (up to { $max }); update tokenyar to read it
err-session-invalid = { $where }: not a valid session file (a saved walk): { $detail }
err-not-session = { $path }: not a tokenyar session (its `format` is { $found }, expected { $expected })
err-session-newer = { $path }: this session is version { $version }, newer than this tokenyar understands (up to { $max }); update tokenyar to read it
err-session-step-gone = step { $step } of the saved walk, `{ $node }` ({ $how }), no longer exists in this knowledge base (version { $kb }; the session was saved with { $saved }); the walk cannot resume there
err-add-test-unrecognised = { $path }: neither a tokenyar session nor a bundle (its `format` must be `tokenyar-session` or `tokenyar-bundle`)
err-add-test-fails = the new test { $path } does not pass when run from disk:
    { $failures }
err-add-test-reload = cannot reload the knowledge base at { $origin }: { $error }
