# متن‌های رابط توکن‌یار به فارسی. هر شناسه‌ای که اینجاست باید در en.ftl هم باشد (آزمونی بررسی می‌کند).
# متن‌های پایگاه دانش (پرسش‌ها، راه‌حل‌ها، سامانه‌ها) اینجا نیستند و از kb/ می‌آیند.

app-name = توکن‌یار
screen-home = صفحه‌ی اول
screen-walk = عیب‌یابی گام به گام
screen-diagnose = بررسی همه‌چیز
screen-report = گزارش
screen-settings = تنظیمات
screen-help = راهنما
badge-agent = حالت کارشناس پشتیبانی
badge-replay = بازپخش { $file }

home-search-title = پیام خطایی را که می‌بینید بنویسید
home-placeholder = مثلاً: گواهی معتبر نیست، توکن پیدا نشد، رمز قفل شده…
home-intro = پیام خطا را (فارسی یا انگلیسی) بنویسید یا بچسبانید، یا سامانه‌ای را که با آن کار می‌کردید انتخاب کنید.
home-results = موردهایی که با نوشته‌ی شما مطابقت دارند:
home-no-results = هنوز چیزی پیدا نشد. واژه‌های دیگری از پیام را امتحان کنید یا از فهرست زیر سامانه را انتخاب کنید.
home-systems = سامانه‌ها

walk-checking = { $probe }…
walk-verifying = بررسی دوباره — { $probe }…
walk-slow = این بررسی بیش از معمول طول کشیده است. توکن‌یار هنوز منتظر پاسخ است؛ با b می‌توانید برگردید.
walk-continue = ادامه
walk-helped = درست شد
walk-not-helped = فایده‌ای نداشت
walk-step-back = یک گام برگرد
walk-report = ذخیره‌ی گزارش
walk-home = بازگشت به صفحه‌ی اول
walk-save-session = ذخیره‌ی این مسیر برای کارشناس پشتیبانی (F6)
leave-title = از این مسیر بیرون می‌روید؟
leave-question = از راهنمای گام‌به‌گام بیرون بروید و به صفحه‌ی اصلی برگردید؟
leave-explain = اگر مسیر دیگری را شروع کنید، پاسخ‌هایی که تا اینجا داده‌اید از دست می‌روند. Esc یا Enter بیرون می‌برد؛ F6 پیش از آن مسیر را در پرونده‌ای ذخیره می‌کند که کارشناس پشتیبانی می‌تواند ادامه‌اش دهد؛ هر کلید دیگری شما را همین‌جا نگه می‌دارد.
walk-verify-failed = دوباره بررسی کردم و مشکل هنوز هست. گام‌ها را یک بار دیگر انجام دهید یا «فایده‌ای نداشت» را بزنید.
walk-agent-only = این راه‌حل را کارشناس پشتیبانی انجام می‌دهد؛ توکن‌یار در حالت کاربر گام‌های آن را نشان نمی‌دهد.
walk-contact = تماس با: { $contact }
walk-collect = این‌ها را آماده داشته باشید:
walk-resolved = خوب است: گفتید که مشکل با این کار حل شد.
walk-resolved-verified = حل شد: توکن‌یار دوباره بررسی کرد و مشکل دیگر نیست.
walk-escalated = توکن‌یار اینجا راه دیگری برای امتحان ندارد. با پشتیبانی که در بالا آمده تماس بگیرید.
walk-finished = گام‌های راهنما همین‌جا تمام می‌شود.
steps-title = بازگشت به یکی از گام‌های پیشین

evidence-title = شواهد
evidence-none = هنوز هیچ بررسی‌ای در این عیب‌یابی انجام نشده است.
evidence-reason = چرا نتوانست تشخیص دهد
evidence-raw = مقدارهای خام (با d پنهان می‌شوند):


diag-title = بررسی‌ها: { $system }
diag-all-systems = همه‌ی سامانه‌ها
diag-running = در حال انجام همه‌ی بررسی‌ها…
diag-summary = { $problems ->
    [0] بدون مشکل
   *[other] { $problems } مشکل
}، { $warnings ->
    [0] بدون هشدار
   *[other] { $warnings } هشدار
} در { $checks } بررسی.
diag-none = مشکلی پیدا نشد.
diag-unknown = { $count } بررسی نتوانست نتیجه بگیرد (با ? نشان داده شده)؛ برای دیدن دلیل آن را باز کنید. بیشتر بررسی‌ها به توکنِ وصل‌شده نیاز دارند.
diag-status = نتیجه
diag-remedy = راه‌حل
diag-walk-hint = برای عیب‌یابی گام به گام این مورد، w را بزنید.

report-save-title = ذخیره‌ی گزارش با نام
report-save-hint = با Enter پرونده ذخیره می‌شود؛ نام آن را می‌توانید تغییر دهید.
report-saved-to = ذخیره شد: { $path }
session-no-walk = هنوز عیب‌یابی گام‌به‌گامی نیست که ذخیره شود؛ از صفحه‌ی اول یکی را شروع کنید.
report-save-failed = ذخیره نشد: { $error }
report-preview = پیش‌نمایش
report-empty = هنوز چیزی برای گزارش نیست: عیب‌یابی را شروع کنید یا بررسی‌ها را اجرا کنید (F5).

settings-lang = زبان
settings-bidi = ترتیب راست‌به‌چپ (BiDi)
settings-shaping = چسباندن حروف فارسی
settings-mode = حالت
mode-user = کاربر
mode-agent = کارشناس پشتیبانی
bidi-app = توکن‌یار متن را مرتب می‌کند (برای بیشتر پایانه‌ها بهترین است)
bidi-terminal = پایانه متن را مرتب می‌کند (Konsole، mlterm، Terminal مک)
bidi-off = هیچ مرتب‌سازی‌ای انجام نشود
shaping-on = توکن‌یار حروف را به هم می‌چسباند
shaping-off = پایانه حروف را به هم می‌چسباند
shaping-now-on = در این پایانه روشن
shaping-now-off = در این پایانه خاموش
settings-sample-intro = یک جمله‌ی فارسی به هر دو شکل نمایش داده شده است. تنظیمی را انتخاب کنید که جمله با آن درست، از راست به چپ و با حروف چسبیده خوانده شود:
settings-sample = گواهی امضای شما (Sign) تا ۱۴۰۴/۰۸/۳۰ معتبر است؛ رمز توکن: ۳ بار دیگر.
sample-app = مرتب‌شده به دست توکن‌یار (bidi = app):
sample-logical = به همان ترتیب نوشته، برای پایانه‌ای که خودش مرتب می‌کند (bidi = terminal):
sample-shaped = حروف چسبیده به دست توکن‌یار (shaping = on):
sample-unshaped = حروف بدون تغییر (shaping = off):
settings-saved-note = تغییرها برای دفعه‌ی بعد که توکن‌یار را اجرا کنید ذخیره می‌شوند.

help-intro = توکن‌یار درباره‌ی مشکلتان می‌پرسد، توکن و رایانه را بررسی می‌کند و شما را تا راه‌حل همراهی می‌کند. همه‌چیز با صفحه‌کلید کار می‌کند؛ با ماوس هم می‌توانید روی موردهای فهرست کلیک کنید و صفحه را بالا و پایین ببرید.
help-global = همه‌جا
help-bidi = اگر متن فارسی وارونه دیده می‌شود یا حروفش از هم جدا افتاده‌اند، در تنظیمات (F3) «ترتیب راست‌به‌چپ» یا «چسباندن حروف فارسی» را تغییر دهید: صفحه‌ی تنظیمات نمونه‌ی هر گزینه را نشان می‌دهد.
key-help = همین راهنما
key-lang = تغییر زبان (فارسی / English)
key-settings = تنظیمات
key-report = گزارش: پیش‌نمایش و ذخیره
key-diagnose = بررسی همه‌چیز برای سامانه‌ی انتخاب‌شده
key-save-session = ذخیره‌ی روند عیب‌یابی برای کارشناس پشتیبانی
key-back = بازگشت، بستن
key-quit = خروج
key-move = حرکت به بالا و پایین (Tab هم)
key-page = یک صفحه بالا یا پایین
key-home-start = شروع با مورد یا سامانه‌ی انتخاب‌شده
key-home-type = برای جست‌وجو بنویسید؛ Backspace پاک می‌کند
key-walk-select = انتخاب، ادامه یا تأیید راه‌حل
key-walk-number = انتخاب با شماره
key-walk-not-helped = راه‌حل فایده‌ای نداشت
key-walk-evidence = نمایش یا پنهان کردن شواهد
key-walk-back = یک گام به عقب
key-walk-steps = بازگشت به هر یک از گام‌های پیشین
key-details = حالت کارشناس: نشان دادن یا پنهان کردن شواهد خام
key-diag-expand = باز یا بسته کردن یک بررسی (شواهد و راه‌حل)
key-diag-walk = عیب‌یابی گام به گام برای این مورد
key-diag-rerun = انجام دوباره‌ی بررسی‌ها
key-report-save = ذخیره‌ی پرونده
key-report-path = ویرایش نام پرونده
key-settings-change = تغییر مقدار

hint-start = شروع
hint-diagnose = بررسی همه
hint-lang = English
hint-help = راهنما
hint-quit = خروج
hint-select = انتخاب
hint-evidence = شواهد
hint-steps = گام‌ها
hint-back = عقب
hint-not-helped = فایده نداشت
hint-report = گزارش
hint-home = صفحه‌ی اول
hint-expand = باز کردن
hint-walk = گام به گام
hint-rerun = دوباره
hint-save = ذخیره
hint-scroll = جابه‌جایی
hint-close = بستن
hint-move = حرکت
hint-change = تغییر
hint-settings = تنظیمات
hint-save-session = ذخیره برای پشتیبانی
hint-details = جزئیات
hint-leave = خروج
hint-stay = هر کلید دیگر: ماندن

## The command line

cli-checks = بررسی‌ها: { $system }
cli-summary-problems = { $problems ->
    [0] بدون مشکل
   *[other] { $problems } مشکل
}، { $warnings ->
    [0] بدون هشدار
   *[other] { $warnings } هشدار
} در { $checks } بررسی.
cli-summary-unknown = { $count } بررسی نتوانست نتیجه بگیرد (با ? نشان داده شده‌اند).
cli-no-problem = مشکلی پیدا نشد.
cli-fix = راه‌حل
cli-collected = { $count } واقعیت در { $path } ثبت شد؛ کد ملی، نام کاربر و نام رایانه با جای‌نشین عوض شده‌اند.
cli-collected-raw = { $count } واقعیت در { $path } ثبت شد؛ اطلاعات شخصی حذف نشده است.
cli-lookup-empty = متنی برای جست‌وجو داده نشد: پیام خطایی را که می‌بینید بنویسید
cli-lookup-none = در پایگاه دانش چیزی مطابق این متن پیدا نشد.
cli-lookup-systems = سامانه‌ای را که با آن کار می‌کنید برگزینید تا گام‌به‌گام عیب‌یابی کنیم (`tokenyar` را بدون فرمان اجرا کنید):
cli-lookup-matches = مطابق با
cli-session-saved = جلسه‌ی ذخیره‌شده در { $when }، با پایگاه دانش { $saved } (پایگاه دانش کنونی: { $current })
cli-session-changed = توجه: پایگاه دانش تغییر کرده است؛ گام { $step } (`{ $node }`) اکنون به `{ $to }` می‌رود.
cli-session-path = مسیر:
cli-session-tried = امتحان‌شده:
cli-next-question = بعدی: پرسش
cli-next-remedy = بعدی: راه‌حل
cli-next-read = بعدی: بخوانید
cli-next-check = بعدی: یک بررسی
cli-still-broken = (بررسی دوباره هنوز مشکل را می‌بیند)
cli-ended-resolved = گفت‌وگو تمام شد: حل شد با
cli-ended-escalated = گفت‌وگو تمام شد: تماس با پشتیبانی پس از
cli-ended-finished = گفت‌وگو تمام شد در
err-unknown-system = سامانه‌ی «{ $system }» شناخته نیست؛ سامانه‌های شناخته: { $known }
err-unknown-lang = زبان «{ $lang }» شناخته نیست: یکی از { $known }
err-unknown-report-lang = زبان «{ $lang }» شناخته نیست: both یا یکی از { $known }
err-cannot-write = نوشتن در { $path } ممکن نشد: { $error }
err-report-source = --session FILE یا --snapshot FILE را بدهید
err-report-system = --system همراه --snapshot می‌آید؛ جلسه سامانه‌اش را می‌داند

## `tokenyar kb …` (یافته‌های خودِ بررسی‌گر انگلیسی می‌مانند: docs/i18n.md)

cli-kb-check-summary = بررسی پایگاه دانش: { $errors } خطا و { $warnings } هشدار در { $nodes } گره، { $scripts } اسکریپت و { $scenarios } سناریو ({ $origin })
cli-kb-test-ok = {"درست"}
cli-kb-test-fail = {"رد شد"}
cli-kb-test-walk = مسیر ({ $questions } پرسش پاسخ داده شد):
cli-kb-test-summary = { $passed } سناریو درست، { $failed } سناریو رد شد
cli-kb-coverage-summary = { $covered } از { $cases } مورد فهرست، گره و آزمون دارند؛ { $reachable } از { $cases } مورد از ریشه‌ی سامانه‌شان دست‌یافتنی‌اند
    { $scenarios } سناریو ({ $failing } رد شده)
    { $unreached } گره که هیچ سناریویی به آن نمی‌رسد
cli-kb-coverage-median = میانه‌ی شمار پرسش‌ها در هر سناریو: { $median }
cli-add-test-wrote = { $test } و { $bundle } نوشته شدند
cli-add-test-walk = مسیر: { $walk }
cli-add-test-findings = یافته‌ها: { $findings }
cli-add-test-diverged = توجه: با این پایگاه دانش، مسیر در گام { $step } از مسیر ذخیره‌شده جدا می‌شود؛ آزمون مسیر کنونی را انتظار دارد
cli-add-test-passes = آزمون درست اجرا می‌شود (از این پس `tokenyar kb test` آن را اجرا می‌کند)
err-add-test-kb = افزودن آزمون در نسخه‌ی کاری پایگاه دانش می‌نویسد: ‎--kb DIR‎ را بدهید (یا آن را جایی اجرا کنید که ‎./kb‎ هست)

## چرا فرمانی متوقف شد (`errors.rs`). مسیرها و جزئیاتی که از بیرون توکن‌یار می‌آیند همان‌طور نقل می‌شوند.

err-unknown-system-plain = سامانه‌ی «{ $system }» شناخته نیست
err-built-in-kb = پایگاه دانش درون برنامه خوانده نشد ({ $error })؛ توکن‌یار را دوباره نصب کنید
err-module-not-found = ‎--pkcs11-module‎ { $path }: چنین فایلی نیست
err-token-deadline = ‎--token-deadline‎ عددی از ثانیه‌ها میان ۰ و ۶۰۰ می‌گیرد، نه { $value }
err-bidi-mode = ‎--bidi‎ «{ $value }» شناخته نیست: یکی از app، terminal یا off
err-shaping-mode = ‎--shaping‎ «{ $value }» شناخته نیست: یکی از auto، on یا off
err-cannot-draw = { $kind ->
    [legacy] این کنسول (بدون پشتیبانی VT: ویندوز ۷ یا کنسول قدیمی)
   *[other] این پایانه
} نمی‌تواند صفحه‌ی تعاملی را نشان دهد ({ $error })؛ فرمان‌ها اینجا کار می‌کنند: ‎`tokenyar --help`‎ را ببینید، مثلاً ‎`tokenyar diagnose`‎
err-needs-terminal = صفحه‌ی تعاملی به پایانه نیاز دارد؛ برای فرمان‌ها ‎`tokenyar --help`‎ را ببینید
err-broken-kb = پایگاه دانش در { $origin } { $count } خطا دارد؛ برای دیدن آن‌ها ‎`tokenyar kb check`‎ را اجرا کنید
    { $first }
err-output = نوشتن خروجی ممکن نشد: { $error }
err-cannot-read = خواندن { $path } ممکن نشد: { $error }
err-io-not-found = چنین فایل یا پوشه‌ای نیست
err-io-permission = اجازه‌ی دسترسی نیست
err-io-exists = از پیش وجود دارد
err-io-is-folder = پوشه است
err-io-disk-full = دیسک پر است
err-io-read-only = دیسک فقط‌خواندنی است
err-file-exists = { $path } از پیش وجود دارد؛ برای جایگزینی ‎--force‎ را بدهید، یا نام دیگری
err-file-is-input = { $path } ورودی همین اجرا هم هست؛ خروجی را جای دیگری بنویسید
err-file-too-large = { $path } { $size } بایت است، بیش از { $limit } بایتی که توکن‌یار می‌خواند؛ خوانده نشد
err-not-a-file = { $path } فایل نیست
err-not-kb = { $path } پوشه‌ی پایگاه دانش نیست: systems.yaml ندارد
err-bundle-invalid = { $where }: فایل ذخیره‌شده‌ی رایانه (bundle) معتبر نیست: { $detail }
err-not-bundle = { $path } فایل ذخیره‌شده‌ی رایانه (bundle) توکن‌یار نیست (قالب آن { $found } است، نه { $expected })
err-bundle-newer = { $path } را توکن‌یار جدیدتری ذخیره کرده است (نسخه‌ی { $version }؛ این توکن‌یار تا نسخه‌ی { $max } را می‌خواند)؛ برای خواندن آن توکن‌یار را به‌روز کنید
err-session-invalid = { $where }: مسیر ذخیره‌شده (فایل جلسه) معتبر نیست: { $detail }
err-not-session = { $path } مسیر ذخیره‌شده (فایل جلسه) توکن‌یار نیست (قالب آن { $found } است، نه { $expected })
err-session-newer = { $path } را توکن‌یار جدیدتری ذخیره کرده است (نسخه‌ی { $version }؛ این توکن‌یار تا نسخه‌ی { $max } را می‌خواند)؛ برای خواندن آن توکن‌یار را به‌روز کنید
err-session-step-gone = گام { $step } مسیر ذخیره‌شده، ‎`{ $node }`‎ ({ $how })، دیگر در این پایگاه دانش نیست (نسخه‌ی { $kb }؛ مسیر با نسخه‌ی { $saved } ذخیره شده بود): مسیر از آنجا ادامه نمی‌یابد
err-add-test-unrecognised = { $path } نه مسیر ذخیره‌شده (جلسه) توکن‌یار است نه فایل ذخیره‌شده‌ی رایانه (bundle): قالب آن (`format`) باید `tokenyar-session` یا `tokenyar-bundle` باشد
err-add-test-fails = آزمون تازه‌ی { $path } وقتی از دیسک اجرا می‌شود نمی‌گذرد:
    { $failures }
err-add-test-reload = بارگذاری دوباره‌ی پایگاه دانش در { $origin } ممکن نشد: { $error }
