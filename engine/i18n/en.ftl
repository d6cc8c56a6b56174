# The engine's texts in English: report headings and labels, the "why?" of a walk, status
# words, and the notes and reasons probe scripts return (by message id, with arguments).
# Every id here must also be in fa.ftl (a test checks, and that every id a script uses exists).
# Knowledge-base texts (titles, steps, contacts) are not here: they come from kb/.

## The language itself: how tokenyar lays out and numbers text in it (docs/i18n.md)

language-name = English
language-english-name = English
language-direction = ltr
language-calendar = gregorian

list-separator = {", "}

## Status words

status-ok = ok
status-warn = warning
status-fail = problem found
status-unknown = could not tell
status-not-applicable = does not apply here

## Reports

report-title = Token case report
report-summary = Summary
report-status = Status
report-problem = Problem
report-cause = Likely cause
report-found-by = Found by
report-tried = What was tried
report-nothing-tried = No remedy was tried yet.
report-next = What to do next
report-nothing-next = Nothing is left to do.
report-contact = Whom to contact
report-have-ready = Have ready
report-system = System
report-any-system = all systems
report-created = Report made
report-source = Made from
report-source-session = a saved session
report-source-live = this computer, during the walk
report-source-snapshot = a diagnosis bundle
report-saved = saved
report-saved-with = when saved
report-versions = Versions
report-tool = tokenyar
report-kb = knowledge base
report-redacted = Personal data (national ids, serial numbers, user and host names) is replaced by placeholders.
report-not-redacted = Personal data is NOT redacted; share it only with the user's consent.
report-status-open = open: the walk is not finished
report-status-resolved = resolved
report-status-escalated = escalated to support
report-status-finished = the guide ended
report-status-problems = problems found
report-status-no-problem = no problem found
report-status-empty = nothing was checked yet
report-no-problem = No problem found
report-nothing-yet = Nothing to report yet: start a guided walk or run the checks.
report-next-contact = Nothing else in the knowledge base applies: contact support.
report-outcome-helped = fixed: the user pressed “done, check again”, and the fix's own check (where it has one) found no problem
report-outcome-verify-failed = not fixed: the user pressed “done, check again”, and checking again still found the problem
report-outcome-not-helped = did not help: the user pressed “it did not help”
report-findings = Findings
report-severity-error = Error
report-severity-warning = Warning
report-severity-info = Note
report-remedy = Remedy
report-why = Why?
report-walk = The path of the walk
report-questions-answered = Questions the user answered
report-evidence = Evidence
report-no-evidence = No check ran.
report-facts-read = facts read
report-raw-facts = Raw facts (for support agents)
report-machine = Machine facts
report-certificates = Certificates on the token
report-subject = Subject
report-issuer = Issuer
report-serial = Serial number
report-valid-from = Valid from
report-valid-to = Valid until
report-unknown = could not be read
report-not-applicable = does not apply here
report-choices = Choices
report-resolved-by = Resolved: “{ $remedy }” helped.
report-problems-found = { $count ->
    [one] 1 problem found
   *[other] { $count } problems found
}; the most serious: { $top }

## "Why?": how a walk reached a step

why-start = Started at “{ $title }”.
why-answer = Asked “{ $question }”, the answer was “{ $choice }”: “{ $title }”.
why-auto = “{ $question }” was answered by the check “{ $probe }” ({ $status }): “{ $choice }”, so “{ $title }”.
why-probe = The check “{ $probe }” said { $status }: “{ $title }”.
why-next = Then: “{ $title }”.
why-unresolved = “{ $remedy }” did not help: “{ $title }”.
why-check = Check “{ $title }”: { $status }, at { $when }

## What probe scripts say (`note` for a verdict, `reason` for "could not tell")

probe-no-token = no token is connected
probe-no-token-to-count = no token is connected, so its certificates cannot be counted
probe-pin-not-set = the connected token has no user PIN set up yet
probe-modules-silent = no token was read, and these token modules did not answer: { $modules }
probe-no-cert = there is no certificate on a connected token to check
probe-no-valid-cert = there is no valid certificate on a connected token
probe-no-user-cert = there is no readable user certificate on a connected token
probe-cert-damaged = the certificate on the token is damaged or is not an X.509 certificate
probe-expired-beside-valid = an expired certificate is still on the token beside a valid one
probe-only-ca-certs = the token holds only certification-authority certificates
probe-issuer-cert-missing = the certificate of the CA that issued the user certificate is not on the token, so its chain cannot be checked here
probe-no-lifetime-rule = this system sets no rule on the certificate's lifetime
probe-no-count-rule = this system sets no rule on the number of certificates
probe-no-type-rule = this system sets no rule on the certificate type
probe-timezone-old-dst = Iran's time zone is selected, but this computer still applies the daylight saving time Iran abolished in 2022 (its time-zone data is old)
probe-offset-unknown = the clock's offset from UTC is not known
probe-timezone-not-iran = the time zone is not Iran's
probe-clock-uncompared = the clock could not be compared with a trusted time source
probe-no-calendar-setting = this operating system has no system calendar setting
probe-not-windows = this computer does not run Windows
probe-dastine-old = Dastine is older than systems require
probe-dastine-need-unknown = Dastine does not answer, and with no system chosen whether it is needed is not known
probe-dastine-not-needed = Dastine is not running, and the chosen system does not need it
probe-dastine-unchecked = Dastine's local service could not be checked
probe-dastine-silent = Dastine is installed but its service does not answer
probe-dastine-absent = Dastine does not answer on this computer (not installed or not running)
probe-dastine-missing = Dastine is not installed
probe-software-unknown-how = tokenyar does not know how to look for { $software } on this computer
probe-java-bitness-no-java = Java is not installed, or tokenyar could not find it
probe-java-bitness-arch-unknown = whether Java is the 32-bit or the 64-bit build is not known
probe-java-bitness-several = more than one Java is installed, and which one the browser starts is not known
probe-java-bitness-module-unknown = the word size (32 or 64 bits) of the token's module could not be read
probe-java-bitness-not-needed = the chosen system does not sign through Java
probe-software-no-install-date = when { $software } was installed is not recorded, so a fresh install cannot be seen
probe-software-need-unknown = it is not installed, and with no system chosen whether it is needed is not known
probe-software-not-needed = not installed, and the chosen system does not need it
probe-no-system = no system was chosen, so its prerequisites are not known
probe-no-system-chosen = no system was chosen
probe-token-no-certificate = the token holds no certificate
probe-token-software-no-token = no token is in sight, so whether this software is needed cannot be told
probe-no-prerequisites = this system lists no prerequisites
probe-prerequisites-unsearchable = some prerequisites cannot be looked for on this computer
probe-token-software-unused = the connected token does not use this software
probe-token-software-unknown-how = tokenyar does not know how to look for the token software on this computer
probe-cert-newer-than-software = a certificate on the token was issued after the token software was installed

## When a probe itself goes wrong (shown as "could not tell", with the technical detail)

probe-undecided = the check could not decide
probe-crashed = the check crashed the script interpreter
probe-deadline = the check ran past its deadline of { $ms } ms
probe-operations = the check exceeded its budget of { $operations } operations
probe-nesting = the check nested calls deeper than { $levels } levels
probe-too-large = the check built data too large ({ $detail })
probe-stopped = the check stopped: { $detail }
probe-failed = the check failed: { $detail }
probe-at-line = { $what } (script line { $line })
probe-not-data = the check returned a value that is not data ({ $detail })
probe-bad-shape = the check must return a map with its status, not { $kind }
probe-bad-status = the check returned no valid status (ok, warn, fail, unknown): { $value }
fact-unreadable = “{ $fact }” could not be read ({ $detail })
fact-not-applicable = “{ $fact }” does not apply on this computer ({ $detail })

## What a failing or warning check found (shown under its line)

probe-cert-expired = the certificate expired { $days ->
    [0] today
    [one] 1 day ago
   *[other] { $days } days ago
}, on { $date }
probe-cert-not-yet-valid = the certificate is not valid yet: it starts on { $date }; check the computer's date before anything else
probe-cert-expiring = the certificate expires in { $days ->
    [0] less than a day
    [one] 1 day
   *[other] { $days } days
}, on { $date }
probe-cert-type-wrong = the certificate on the token is of type { $found }; this system accepts { $accepted }
probe-cert-type-unrecognised = the type of a valid certificate cannot be read from its subject (this system accepts { $accepted })
probe-pin-locked = the user PIN is locked on { $tokens }
probe-pin-few-tries = few PIN tries are left on { $tokens }: do not guess the PIN
probe-so-pin-locked = the administrator PIN (SO PIN) is locked on { $tokens }
probe-so-pin-final-try = one administrator PIN (SO PIN) try is left on { $tokens }
probe-clock-ahead = the computer's clock is about { $minutes } minutes ahead of the right time
probe-clock-behind = the computer's clock is about { $minutes } minutes behind the right time
probe-token-has-no-cert = the connected token holds no certificate
probe-software-missing = { $software } is not installed
probe-software-old = { $software } { $version } is installed; { $min } or newer is needed
probe-java-bitness-mismatch = Java is { $java }-bit but the token's module is { $token_module }-bit: this Java cannot load it
probe-software-not-reinstalled = { $software } was last installed on { $date }: no fresh install is seen
probe-vpn-proxy-on = active: { $names }
probe-session-remote = this computer is being used through { $kind ->
    [rdp] Remote Desktop
    [citrix] Citrix
   *[other] a remote (SSH) session
}: the token has to be plugged in here, or redirected to it
probe-session-local = tokenyar runs at this computer's own keyboard and screen, not remotely
probe-session-not-applicable = remote sessions are not read on this system
probe-virtual-drive = virtual-drive software is installed: { $software }
probe-prerequisites-missing = not installed: { $missing }

## Evidence in words (`report/words.rs`): labels `ev-<key>` for the keys probe scripts write,
## and the words for their values. A script's new key needs a label here (a test checks).

ev-number = { $n }
ev-yes = yes
ev-no = no
ev-none = none
ev-on = on
ev-off = off
ev-days = { $n ->
    [one] 1 day
   *[other] { $n } days
}
ev-days-before-expiry = { $n ->
    [one] 1 day before it expires
   *[other] { $n } days before it expires
}
ev-years = { $n ->
    [one] 1 year
   *[other] { $n } years
}
ev-years-list = { $n ->
    [one] { $list } year
   *[other] { $list } years
}
ev-years-days = { $years ->
    [one] 1 year
   *[other] { $years } years
} ({ $days } days)
ev-minutes = { $n ->
    [one] 1 minute
   *[other] { $n } minutes
}
ev-seconds = { $n ->
    [one] 1 second
   *[other] { $n } seconds
}
ev-expired-ago = { $days ->
    [0] expired today
    [one] expired 1 day ago
   *[other] expired { $days } days ago
}
ev-expires-in = { $days ->
    [0] expires today
    [one] expires in 1 day
   *[other] expires in { $days } days
}
ev-system = System
ev-now = Time on this computer
ev-certificate = Certificate
ev-certificates = Certificates on the token
ev-certificate-list = Certificates
ev-subject = Holder
ev-subjects = Holders
ev-organization = Organisation
ev-national-id = National id
ev-issuer = Issued by
ev-subject-dn = Full name on the certificate
ev-issuer-dn = Issuer's full name
ev-sha256 = Fingerprint (SHA-256)
ev-not-before = Valid from
ev-not-after = Valid until
ev-lifetime = Lifetime
ev-lifetime-days = Lifetime
ev-key-usage = Use of its key
ev-ku-digitalsignature = digital signature
ev-ku-nonrepudiation = non-repudiation
ev-ku-keyencipherment = key encipherment
ev-ku-dataencipherment = data encipherment
ev-ku-keyagreement = key agreement
ev-ku-keycertsign = signing certificates
ev-ku-crlsign = signing revocation lists
ev-is-ca = a certification authority's certificate (nobody signs with it)
ev-cert-unreadable = could not be read as a certificate
ev-label = Name on the token
ev-id = Object id
ev-type = Type (as read from its name)
ev-type-unread = cannot be told from its name
ev-accepted-type-names = Types this system accepts
ev-accepted-years = Lifetimes this system accepts
ev-required = Number this system needs
ev-warn-days = Warned from
ev-valid = Valid certificates
ev-expired = Expired certificates
ev-not-yet-valid = Certificates not valid yet
ev-unreadable-certs = Certificates that could not be read
ev-unreadable-slots = Tokens their software could not read
ev-chain = Chain of trust
ev-chain-trusted = issued under { $anchor }, which is trusted
ev-chain-other-root = ends at a root that is not trusted: { $root }
ev-chain-issuer-missing = the certificate of its issuer ({ $issuer }) is not on the token, so it cannot be followed further
ev-chain-too-long = too long to follow
ev-anchors = Trusted roots
ev-path = Chain
ev-result = Result
ev-anchor = Trusted root
ev-root = Root
ev-tokens = Tokens
ev-token = Token
ev-no-token = no token could be read
ev-model = Model
ev-manufacturer = Maker
ev-module = Token software (module)
ev-modules = Token software modules
ev-source = Found
ev-source-discovered = found on this computer
ev-source-argument = given on the command line
ev-source-http-date = a web server's clock
ev-source-ntp = a time server
ev-loaded = Loaded
ev-module-loaded = loaded
ev-module-not-loaded = did not load
ev-initialized = State
ev-token-set-up = set up
ev-token-blank = blank: never set up
ev-slot = Slot
ev-slot-id = Slot number
ev-slot-errors = Token slots with errors
ev-error = Error
ev-error-in = { $error } (in { $function })
ev-cause = What it means
ev-detail = Technical detail
ev-usb = USB id
ev-usb-known-devices = Known tokens on USB
ev-known-devices = Known tokens on USB
ev-usb-none = no known token is plugged in
ev-usb-unread = the USB devices could not be listed
ev-devices = USB devices seen
ev-name = Name
ev-kind = Kind
ev-locked = User PIN locked on
ev-final-try = Only one user PIN try left on
ev-count-low = A wrong user PIN was entered lately on
ev-uninitialised = No user PIN set up yet on
ev-so-pin-locked = Administrator PIN (SO PIN) locked on
ev-so-pin-final-try = Only one administrator PIN (SO PIN) try left on
ev-to-be-changed = Asks for a new PIN
ev-pin-fine = The user PIN is not locked, and no wrong PIN was entered lately.
ev-so-pin-fine = The administrator PIN (SO PIN) is not locked.
ev-pin-change-none = No token asks for its PIN to be changed.
ev-software = Program
ev-dastine = Dastine
ev-installed = Installed
ev-installed-version = yes, version { $version }
ev-installed-list = Installed
ev-version = Version
ev-min-version = Needs at least version
ev-install-date = Installed on
ev-newest-certificate-from = Newest certificate issued on
ev-token-models = Token models in use
ev-missing = Not installed
ev-not-checked = Cannot be looked for on this computer
ev-virtual-drive-software = Virtual-drive software
ev-running = Running
ev-service = Service
ev-service-state = Service
ev-state-running = running
ev-state-stopped = stopped
ev-state-start-pending = starting
ev-state-stop-pending = stopping
ev-state-paused = paused
ev-arch = Build
ev-arch-x64 = 64-bit
ev-arch-x86 = 32-bit
ev-arch-arm64 = ARM 64-bit
ev-module-bits = Token module word size (bits)
ev-ports = Ports
ev-port-open = open
ev-port-closed = closed
ev-answer = Answer
ev-answered-version = answered, version { $version }
ev-no-answer = did not answer
ev-tz = Time zone
ev-time-zone = Time zone
ev-utc-offset-minutes = Offset from UTC
ev-clock-right = Right time (from { $source })
ev-clock-diff = Difference
ev-clock-same = none
ev-clock-ahead = { $amount } ahead
ev-clock-behind = { $amount } behind
ev-offset-seconds = Difference
ev-checked-at = Compared at
ev-host = Compared with
ev-rtt-ms = Round trip (ms)
ev-daylight-saving = still applies the daylight saving time Iran abolished in 2022 (old time-zone data)
ev-calendar = Calendar
ev-calendar-gregorian = Gregorian
ev-calendar-persian = Persian (Solar Hijri)
ev-calendar-hijri = Hijri (lunar)
ev-calendar-other = another calendar
ev-calendar-type = Calendar type number
ev-short-date = Short date format
ev-enable-lua = Admin Approval Mode (EnableLUA)
ev-filter-administrator-token = Admin Approval Mode for the built-in Administrator
ev-vpn = Active VPN
ev-proxy = Proxy
ev-list = Certificates
ev-token-model = Token model
ev-kb-model = Model (as tokenyar knows it)
ev-fresh-days = Counts as a fresh install within
ev-not-yet-valid = Certificates not valid yet
ev-days-until = Starts in
## What more failing or warning checks found (issue 15: every fail and warn says it)

probe-pin-to-be-changed = the token asks for its user PIN to be changed: { $tokens }
probe-token-unreadable = a token is plugged in, but its module cannot read it ({ $errors })
probe-usb-no-known-token = no token of a model tokenyar knows is on USB ({ $devices } USB devices seen)
probe-token-on-usb-unread = a { $model } token is on USB, but no token software reads it ({ $modules } token modules found)
probe-token-not-read = no token was read ({ $modules } token modules found)
probe-cert-lifetime = the certificate runs { $years ->
    [one] 1 year
   *[other] { $years } years
}; this system accepts { $accepted }-year certificates
probe-cert-count-rule = the token holds { $count ->
    [one] 1 certificate
   *[other] { $count } certificates
}; this system wants { $required }
probe-cert-chain-foreign = the certificate does not come from Iran's national root: its chain ends at { $root }
probe-calendar-not-gregorian = Windows is set to { $calendar ->
    [persian] the Persian (solar hijri) calendar
    [hijri] the Hijri (lunar) calendar
   *[other] the { $calendar } calendar
}, not the Gregorian one
probe-uac-admin-approval-on = «Run all administrators in Admin Approval Mode» is on, as on every Windows by default
probe-token-software-not-reinstalled = the token software was last installed on { $date }: no fresh install is seen
probe-token-software-no-install-date = when the token software was installed is not recorded, so a fresh install cannot be seen
