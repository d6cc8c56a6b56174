# متن‌های موتور توکن‌یار به فارسی. هر شناسه‌ی این پرونده باید در en.ftl هم باشد (آزمون بررسی می‌کند).
# متن‌های پایگاه دانش اینجا نیستند: از kb/ می‌آیند.

## The language itself: how tokenyar lays out and numbers text in it (docs/i18n.md)

language-name = فارسی
language-english-name = Persian
language-direction = rtl
language-digits = ۰۱۲۳۴۵۶۷۸۹
language-decimal = ٫
language-calendar = jalali

list-separator = {"، "}

## Status words

status-ok = درست
status-warn = هشدار
status-fail = مشکل دارد
status-unknown = نامعلوم
status-not-applicable = در این رایانه کاربرد ندارد

## Reports

report-title = گزارش پرونده‌ی توکن
report-summary = خلاصه
report-status = وضعیت
report-problem = مشکل
report-cause = علت احتمالی
report-found-by = یافته‌ی بررسی
report-tried = آنچه امتحان شد
report-nothing-tried = هنوز راه‌حلی امتحان نشده است.
report-next = گام بعدی
report-nothing-next = کاری باقی نمانده است.
report-contact = با چه کسی تماس بگیرید
report-have-ready = آماده داشته باشید
report-system = سامانه
report-any-system = همه‌ی سامانه‌ها
report-created = تاریخ گزارش
report-source = منبع
report-source-session = جلسه‌ی ذخیره‌شده
report-source-live = همین رایانه، هنگام عیب‌یابی
report-source-snapshot = بسته‌ی اطلاعات رایانه
report-saved = ذخیره‌شده در
report-saved-with = هنگام ذخیره
report-versions = نسخه‌ها
report-tool = توکن‌یار
report-kb = پایگاه دانش
report-redacted = اطلاعات شخصی (کد ملی، شماره‌ی سریال، نام کاربر و نام رایانه) با جای‌نشین عوض شده است.
report-not-redacted = اطلاعات شخصی حذف نشده است؛ فقط با رضایت کاربر آن را بفرستید.
report-status-open = باز: گفت‌وگو هنوز ادامه دارد
report-status-resolved = حل شد
report-status-escalated = ارجاع به پشتیبانی
report-status-finished = پایان راهنما
report-status-problems = مشکل پیدا شد
report-status-no-problem = مشکلی پیدا نشد
report-status-empty = هنوز چیزی بررسی نشده است
report-no-problem = مشکلی پیدا نشد
report-nothing-yet = هنوز چیزی برای گزارش نیست: عیب‌یابی گام‌به‌گام را شروع کنید یا همه‌چیز را بررسی کنید.
report-next-contact = راه دیگری در پایگاه دانش نمانده است؛ با پشتیبانی تماس بگیرید.
report-outcome-helped = حل شد: کاربر «انجام دادم، دوباره بررسی کن» را زد و بررسیِ خودِ این راه‌حل (اگر داشت) مشکلی ندید
report-outcome-verify-failed = حل نشد: کاربر «انجام دادم، دوباره بررسی کن» را زد و بررسی دوباره هنوز مشکل را دید
report-outcome-not-helped = فایده نداشت: کاربر «فایده‌ای نداشت» را زد
report-findings = یافته‌ها
report-severity-error = خطا
report-severity-warning = هشدار
report-severity-info = نکته
report-remedy = راه‌حل
report-why = چرا؟
report-walk = مسیر گفت‌وگو
report-questions-answered = پرسش‌هایی که کاربر پاسخ داد
report-evidence = شواهد
report-no-evidence = هیچ بررسی‌ای اجرا نشد.
report-facts-read = اطلاعاتِ خوانده‌شده
report-raw-facts = داده‌های خام (برای کارشناس پشتیبانی)
report-machine = اطلاعات رایانه
report-certificates = گواهی‌های روی توکن
report-subject = دارنده
report-issuer = صادرکننده
report-serial = شماره‌ی سریال
report-valid-from = معتبر از
report-valid-to = معتبر تا
report-unknown = خوانده نشد
report-not-applicable = در این رایانه کاربرد ندارد
report-choices = گزینه‌ها
report-resolved-by = حل شد: «{ $remedy }» کمک کرد.
report-problems-found = { $count } مشکل پیدا شد؛ مهم‌ترین: { $top }

## "Why?": how a walk reached a step

why-start = شروع از «{ $title }».
why-answer = در پاسخ به «{ $question }» گزینه‌ی «{ $choice }» انتخاب شد: «{ $title }».
why-auto = به «{ $question }» بررسیِ «{ $probe }» پاسخ داد ({ $status }): «{ $choice }»؛ پس «{ $title }».
why-probe = بررسیِ «{ $probe }» نتیجه داد «{ $status }»: «{ $title }».
why-next = سپس: «{ $title }».
why-unresolved = «{ $remedy }» کمکی نکرد: «{ $title }».
why-check = بررسیِ «{ $title }»: { $status }، در { $when }

## What probe scripts say

probe-no-token = توکنی وصل نیست
probe-no-token-to-count = توکنی وصل نیست، پس گواهی‌هایش را نمی‌توان شمرد
probe-pin-not-set = برای توکنِ وصل‌شده هنوز رمز کاربر تعیین نشده است
probe-modules-silent = توکنی خوانده نشد و این ماژول‌های توکن پاسخ ندادند: { $modules }
probe-no-cert = روی توکنِ وصل‌شده گواهی‌ای برای بررسی نیست
probe-no-valid-cert = روی توکنِ وصل‌شده گواهی معتبری نیست
probe-no-user-cert = روی توکنِ وصل‌شده گواهیِ کاربرِ خواندنی‌ای نیست
probe-cert-damaged = گواهیِ روی توکن آسیب دیده است یا گواهیِ X.509 نیست
probe-expired-beside-valid = یک گواهیِ منقضی‌شده هنوز کنار گواهیِ معتبر روی توکن است
probe-only-ca-certs = روی توکن فقط گواهیِ مرجع صدور هست
probe-issuer-cert-missing = گواهیِ مرجعی که گواهیِ کاربر را صادر کرده روی توکن نیست، پس زنجیره‌ی آن اینجا بررسی نمی‌شود
probe-no-lifetime-rule = این سامانه قاعده‌ای برای مدت اعتبار گواهی ندارد
probe-no-count-rule = این سامانه قاعده‌ای برای تعداد گواهی‌ها ندارد
probe-no-type-rule = این سامانه قاعده‌ای برای نوع گواهی ندارد
probe-timezone-old-dst = منطقه‌ی زمانی ایران انتخاب شده، اما این رایانه هنوز ساعت تابستانی‌ای را که ایران در ۱۴۰۱ لغو کرد اعمال می‌کند (اطلاعات منطقه‌ی زمانی آن قدیمی است)
probe-offset-unknown = اختلاف ساعت رایانه با UTC معلوم نیست
probe-timezone-not-iran = منطقه‌ی زمانیِ رایانه ایران نیست
probe-clock-uncompared = ساعت رایانه با یک منبع زمانِ مطمئن مقایسه نشد
probe-no-calendar-setting = این سیستم‌عامل تنظیمِ تقویمِ سیستمی ندارد
probe-not-windows = این رایانه ویندوز ندارد
probe-dastine-old = نسخه‌ی دستینه از آنچه سامانه‌ها لازم دارند قدیمی‌تر است
probe-dastine-need-unknown = دستینه پاسخ نمی‌دهد و چون سامانه‌ای انتخاب نشده، معلوم نیست لازم است یا نه
probe-dastine-not-needed = دستینه اجرا نمی‌شود و سامانه‌ی انتخاب‌شده به آن نیازی ندارد
probe-dastine-unchecked = سرویسِ محلیِ دستینه بررسی نشد
probe-dastine-silent = دستینه نصب است اما سرویسش پاسخ نمی‌دهد
probe-dastine-absent = دستینه روی این رایانه پاسخ نمی‌دهد (نصب نیست یا اجرا نمی‌شود)
probe-dastine-missing = دستینه نصب نیست
probe-software-unknown-how = توکن‌یار نمی‌داند { $software } را روی این رایانه چگونه پیدا کند
probe-java-bitness-no-java = جاوا نصب نیست، یا توکن‌یار آن را پیدا نکرد
probe-java-bitness-arch-unknown = معلوم نیست جاوا نسخه‌ی ۳۲ بیتی است یا ۶۴ بیتی
probe-java-bitness-several = بیش از یک جاوا نصب است و معلوم نیست مرورگر کدام را اجرا می‌کند
probe-java-bitness-module-unknown = ۳۲ یا ۶۴ بیتی بودن ماژول توکن خوانده نشد
probe-java-bitness-not-needed = سامانه‌ی انتخاب‌شده با جاوا امضا نمی‌کند
probe-software-no-install-date = تاریخ نصب { $software } ثبت نشده است؛ پس نصب تازه‌ی آن دیده نمی‌شود
probe-software-need-unknown = نصب نیست و چون سامانه‌ای انتخاب نشده، معلوم نیست لازم است یا نه
probe-software-not-needed = نصب نیست و سامانه‌ی انتخاب‌شده به آن نیازی ندارد
probe-no-system = سامانه‌ای انتخاب نشده، پس پیش‌نیازهایش معلوم نیست
probe-no-system-chosen = سامانه‌ای انتخاب نشده است
probe-token-no-certificate = توکن هیچ گواهی‌ای ندارد
probe-token-software-no-token = توکنی دیده نمی‌شود، پس نمی‌توان گفت این نرم‌افزار لازم است یا نه
probe-no-prerequisites = این سامانه پیش‌نیازی ندارد
probe-prerequisites-unsearchable = برخی پیش‌نیازها را نمی‌توان روی این رایانه جست‌وجو کرد
probe-token-software-unused = توکنِ وصل‌شده از این نرم‌افزار استفاده نمی‌کند
probe-token-software-unknown-how = توکن‌یار نمی‌داند نرم‌افزارِ توکن را روی این رایانه چگونه پیدا کند
probe-cert-newer-than-software = یکی از گواهی‌های توکن پس از نصبِ نرم‌افزارِ توکن صادر شده است

## When a probe itself goes wrong

probe-undecided = بررسی نتوانست نتیجه بگیرد
probe-crashed = بررسی مفسرِ اسکریپت را از کار انداخت
probe-deadline = بررسی از مهلتِ { $ms } میلی‌ثانیه‌ای‌اش گذشت
probe-operations = بررسی از سقفِ { $operations } عملیات گذشت
probe-nesting = بررسی بیش از { $levels } لایه فراخوانیِ تودرتو داشت
probe-too-large = بررسی داده‌ای بیش از اندازه ساخت ({ $detail })
probe-stopped = بررسی متوقف شد: { $detail }
probe-failed = بررسی شکست خورد: { $detail }
probe-at-line = { $what } (سطر { $line } اسکریپت)
probe-not-data = بررسی مقداری برگرداند که داده نیست ({ $detail })
probe-bad-shape = بررسی باید نقشه‌ای با وضعیتش برگرداند، نه { $kind }
probe-bad-status = بررسی وضعیتِ درستی برنگرداند (ok، warn، fail، unknown): { $value }
fact-unreadable = «{ $fact }» خوانده نشد ({ $detail })
fact-not-applicable = «{ $fact }» در این رایانه کاربرد ندارد ({ $detail })

## What a failing or warning check found

probe-cert-expired = گواهی { $days ->
    [0] امروز
   *[other] { $days } روز پیش
}، در { $date }، منقضی شده است
probe-cert-not-yet-valid = گواهی هنوز معتبر نشده است: از { $date } معتبر می‌شود؛ پیش از هر کاری تاریخ رایانه را بررسی کنید
probe-cert-expiring = گواهی { $days ->
    [0] تا پایان امروز
   *[other] { $days } روز دیگر
}، در { $date }، منقضی می‌شود
probe-cert-type-wrong = گواهیِ روی توکن از نوعِ { $found } است؛ این سامانه { $accepted } را می‌پذیرد
probe-cert-type-unrecognised = نوعِ گواهیِ معتبر از مشخصاتش خوانده نمی‌شود (این سامانه این نوع‌ها را می‌پذیرد: { $accepted })
probe-pin-locked = رمز کاربرِ { $tokens } قفل شده است
probe-pin-few-tries = برای رمزِ { $tokens } دفعه‌های کمی مانده است: رمز را حدس نزنید
probe-so-pin-locked = رمز مدیرِ (SO PIN) { $tokens } قفل شده است
probe-so-pin-final-try = برای رمز مدیرِ (SO PIN) { $tokens } فقط یک دفعه مانده است
probe-clock-ahead = ساعت رایانه حدود { $minutes } دقیقه جلوتر از زمانِ درست است
probe-clock-behind = ساعت رایانه حدود { $minutes } دقیقه عقب‌تر از زمانِ درست است
probe-token-has-no-cert = روی توکنِ وصل‌شده هیچ گواهی‌ای نیست
probe-software-missing = { $software } نصب نیست
probe-software-old = { $software } نسخه‌ی { $version } نصب است؛ نسخه‌ی { $min } یا تازه‌تر لازم است
probe-java-bitness-mismatch = جاوا { $java } بیتی است اما ماژول توکن { $token_module } بیتی: این جاوا نمی‌تواند آن را بارگذاری کند
probe-software-not-reinstalled = { $software } آخرین بار در { $date } نصب شده است: نصب تازه‌ای دیده نمی‌شود
probe-vpn-proxy-on = فعال: { $names }
probe-session-remote = با این رایانه از راه دور کار می‌شود ({ $kind ->
    [rdp] Remote Desktop
    [citrix] Citrix
   *[other] SSH
}): توکن باید به همین رایانه وصل باشد یا به آن هدایت شود
probe-session-local = توکن‌یار روی خود این رایانه اجرا شده است، نه از راه دور
probe-session-not-applicable = نشست از راه دور در این سیستم خوانده نمی‌شود
probe-virtual-drive = نرم‌افزار درایو مجازی نصب است: { $software }
probe-prerequisites-missing = نصب نیست: { $missing }

## شواهد به زبان ساده (`report/words.rs`)

ev-number = { $n }
ev-yes = بله
ev-no = خیر
ev-none = هیچ
ev-on = روشن
ev-off = خاموش
ev-days = { $n } روز
ev-days-before-expiry = { $n } روز پیش از پایان اعتبار
ev-years = { $n } ساله
ev-years-list = { $list } ساله
ev-years-days = { $years } ساله ({ $days } روز)
ev-minutes = { $n } دقیقه
ev-seconds = { $n } ثانیه
ev-expired-ago = { $days ->
    [0] امروز منقضی شده است
   *[other] { $days } روز پیش منقضی شده است
}
ev-expires-in = { $days ->
    [0] امروز منقضی می‌شود
   *[other] { $days } روز دیگر منقضی می‌شود
}
ev-system = سامانه
ev-now = زمان این رایانه
ev-certificate = گواهی
ev-certificates = تعداد گواهی‌های روی توکن
ev-certificate-list = گواهی‌ها
ev-subject = دارنده
ev-subjects = دارندگان
ev-organization = سازمان
ev-national-id = کد ملی
ev-issuer = صادرکننده
ev-subject-dn = نام کامل روی گواهی
ev-issuer-dn = نام کامل صادرکننده
ev-sha256 = اثر انگشت (SHA-256)
ev-not-before = معتبر از
ev-not-after = معتبر تا
ev-lifetime = مدت اعتبار
ev-lifetime-days = مدت اعتبار
ev-key-usage = کاربرد کلید
ev-ku-digitalsignature = امضای دیجیتال
ev-ku-nonrepudiation = انکارناپذیری
ev-ku-keyencipherment = رمزگذاری کلید
ev-ku-dataencipherment = رمزگذاری داده
ev-ku-keyagreement = توافق کلید
ev-ku-keycertsign = امضای گواهی
ev-ku-crlsign = امضای فهرست ابطال
ev-is-ca = گواهی مرکز صدور گواهی است (کسی با آن امضا نمی‌کند)
ev-cert-unreadable = به‌عنوان گواهی خوانده نشد
ev-label = نام روی توکن
ev-id = شناسه‌ی شیء
ev-type = نوع (از روی نام گواهی)
ev-type-unread = از روی نام گواهی معلوم نیست
ev-accepted-type-names = نوع‌هایی که این سامانه می‌پذیرد
ev-accepted-years = مدت اعتباری که این سامانه می‌پذیرد
ev-required = تعدادی که این سامانه لازم دارد
ev-warn-days = هشدار از
ev-valid = گواهی‌های معتبر
ev-expired = گواهی‌های منقضی‌شده
ev-not-yet-valid = گواهی‌هایی که اعتبارشان هنوز شروع نشده
ev-unreadable-certs = گواهی‌هایی که خوانده نشدند
ev-unreadable-slots = توکن‌هایی که نرم‌افزارشان نتوانست بخواند
ev-chain = زنجیره‌ی اعتماد
ev-chain-trusted = زیر { $anchor } صادر شده که مورد اعتماد است
ev-chain-other-root = به ریشه‌ای می‌رسد که مورد اعتماد نیست: { $root }
ev-chain-issuer-missing = گواهی صادرکننده‌اش ({ $issuer }) روی توکن نیست، پس نمی‌شود آن را جلوتر دنبال کرد
ev-chain-too-long = برای دنبال کردن بیش از حد طولانی است
ev-anchors = ریشه‌های مورد اعتماد
ev-path = زنجیره
ev-result = نتیجه
ev-anchor = ریشه‌ی مورد اعتماد
ev-root = ریشه
ev-tokens = توکن‌ها
ev-token = توکن
ev-no-token = هیچ توکنی خوانده نشد
ev-model = مدل
ev-manufacturer = سازنده
ev-module = نرم‌افزار توکن (ماژول)
ev-modules = ماژول‌های نرم‌افزار توکن
ev-source = از کجا
ev-source-discovered = روی این رایانه پیدا شد
ev-source-argument = در خط فرمان داده شد
ev-source-http-date = ساعت یک کارگزار وب
ev-source-ntp = یک کارگزار زمان
ev-loaded = بارگذاری
ev-module-loaded = بارگذاری شد
ev-module-not-loaded = بارگذاری نشد
ev-initialized = وضعیت
ev-token-set-up = راه‌اندازی شده
ev-token-blank = خام: هرگز راه‌اندازی نشده
ev-slot = جایگاه
ev-slot-id = شماره‌ی جایگاه
ev-slot-errors = جایگاه‌های توکن با خطا
ev-error = خطا
ev-error-in = { $error } (در { $function })
ev-cause = یعنی
ev-detail = جزئیات فنی
ev-usb = شناسه‌ی USB
ev-usb-known-devices = توکن‌های شناخته‌شده روی USB
ev-known-devices = توکن‌های شناخته‌شده روی USB
ev-usb-none = هیچ توکن شناخته‌شده‌ای وصل نیست
ev-usb-unread = فهرست دستگاه‌های USB خوانده نشد
ev-devices = دستگاه‌های USB دیده‌شده
ev-name = نام
ev-kind = نوع
ev-locked = رمز کاربر قفل شده روی
ev-final-try = فقط یک بار دیگر می‌شود رمز کاربر را امتحان کرد روی
ev-count-low = اخیراً رمز کاربر اشتباه وارد شده روی
ev-uninitialised = هنوز رمز کاربر تعریف نشده روی
ev-so-pin-locked = رمز مدیر (SO PIN) قفل شده روی
ev-so-pin-final-try = فقط یک بار دیگر می‌شود رمز مدیر (SO PIN) را امتحان کرد روی
ev-to-be-changed = رمز تازه می‌خواهد
ev-pin-fine = رمز کاربر قفل نیست و اخیراً رمز اشتباهی وارد نشده است.
ev-so-pin-fine = رمز مدیر (SO PIN) قفل نیست.
ev-pin-change-none = هیچ توکنی عوض کردن رمز را نمی‌خواهد.
ev-software = برنامه
ev-dastine = دستینه
ev-installed = نصب
ev-installed-version = بله، نسخه‌ی { $version }
ev-installed-list = نصب است
ev-version = نسخه
ev-min-version = دست‌کم نسخه‌ی لازم
ev-install-date = تاریخ نصب
ev-newest-certificate-from = تاریخ صدور تازه‌ترین گواهی
ev-token-models = مدل توکن‌های در حال استفاده
ev-missing = نصب نیست
ev-not-checked = روی این رایانه نمی‌شود دنبالش گشت
ev-virtual-drive-software = نرم‌افزار درایو مجازی
ev-running = در حال اجرا
ev-service = سرویس
ev-service-state = سرویس
ev-state-running = در حال اجرا
ev-state-stopped = متوقف
ev-state-start-pending = در حال شروع
ev-state-stop-pending = در حال توقف
ev-state-paused = مکث‌شده
ev-arch = نوع ساخت
ev-arch-x64 = ۶۴ بیتی
ev-arch-x86 = ۳۲ بیتی
ev-arch-arm64 = ARM ۶۴ بیتی
ev-module-bits = اندازه‌ی ماژول توکن (بیت)
ev-ports = درگاه‌ها
ev-port-open = باز
ev-port-closed = بسته
ev-answer = پاسخ
ev-answered-version = پاسخ داد، نسخه‌ی { $version }
ev-no-answer = پاسخ نداد
ev-tz = منطقه‌ی زمانی
ev-time-zone = منطقه‌ی زمانی
ev-utc-offset-minutes = اختلاف با UTC
ev-clock-right = زمان درست (از { $source })
ev-clock-diff = اختلاف
ev-clock-same = هیچ
ev-clock-ahead = { $amount } جلو
ev-clock-behind = { $amount } عقب
ev-offset-seconds = اختلاف
ev-checked-at = زمان مقایسه
ev-host = مقایسه با
ev-rtt-ms = رفت و برگشت (میلی‌ثانیه)
ev-daylight-saving = هنوز ساعت تابستانی را اعمال می‌کند که ایران در ۱۴۰۱ لغو کرد (داده‌ی منطقه‌ی زمانی قدیمی است)
ev-calendar = تقویم
ev-calendar-gregorian = میلادی
ev-calendar-persian = شمسی (هجری خورشیدی)
ev-calendar-hijri = قمری
ev-calendar-other = تقویمی دیگر
ev-calendar-type = شماره‌ی نوع تقویم
ev-short-date = قالب کوتاه تاریخ
ev-enable-lua = حالت تأیید مدیر (EnableLUA)
ev-filter-administrator-token = حالت تأیید مدیر برای حساب Administrator
ev-vpn = VPN فعال
ev-proxy = پراکسی
ev-list = گواهی‌ها
ev-token-model = مدل توکن
ev-kb-model = مدل (آن‌گونه که توکن‌یار می‌شناسد)
ev-fresh-days = نصب تازه یعنی در این مدت
ev-not-yet-valid = گواهی‌هایی که هنوز معتبر نشده‌اند
ev-days-until = تا شروع اعتبار
## آنچه بررسی‌های ناموفق یا هشدار دیگر یافتند (issue 15)

probe-pin-to-be-changed = توکن می‌خواهد رمز کاربرش عوض شود: { $tokens }
probe-token-unreadable = توکنی وصل است، اما ماژول آن نمی‌تواند آن را بخواند ({ $errors })
probe-usb-no-known-token = هیچ توکنی از مدل‌هایی که توکن‌یار می‌شناسد روی USB نیست ({ $devices } دستگاه USB دیده شد)
probe-token-on-usb-unread = توکن { $model } روی USB هست، اما هیچ نرم‌افزار توکنی آن را نمی‌خواند ({ $modules } ماژول توکن پیدا شد)
probe-token-not-read = هیچ توکنی خوانده نشد ({ $modules } ماژول توکن پیدا شد)
probe-cert-lifetime = اعتبار گواهی { $years } ساله است؛ این سامانه گواهی { $accepted } ساله می‌پذیرد
probe-cert-count-rule = روی توکن { $count } گواهی هست؛ این سامانه { $required } گواهی می‌خواهد
probe-cert-chain-foreign = گواهی از ریشه‌ی ملی ایران صادر نشده است: زنجیره‌ی آن به { $root } می‌رسد
probe-calendar-not-gregorian = تقویم ویندوز { $calendar ->
    [persian] هجری شمسی
    [hijri] هجری قمری
   *[other] { $calendar }
} است، نه میلادی
probe-uac-admin-approval-on = گزینه‌ی «Run all administrators in Admin Approval Mode» روشن است، همان‌طور که در هر ویندوز به‌طور پیش‌فرض هست
probe-token-software-not-reinstalled = نرم‌افزار توکن آخرین بار در { $date } نصب شده است: نصب تازه‌ای دیده نمی‌شود
probe-token-software-no-install-date = تاریخ نصب نرم‌افزار توکن ثبت نشده است؛ پس نصب تازه‌ی آن دیده نمی‌شود
