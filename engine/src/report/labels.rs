//! The report's own words (headings, field names), in both languages. The knowledge base's
//! texts (titles, steps, contacts) come from the knowledge base.

use crate::calendar::persian_digits;
use crate::model::Text;

fn t(fa: &str, en: &str) -> Text {
    Text {
        fa: fa.into(),
        en: en.into(),
    }
}

/// The label for `key`; an unknown key is shown as itself (a renderer bug, never a panic).
pub fn label(key: &str) -> Text {
    match key {
        "title" => t("گزارش پرونده‌ی توکن", "Token case report"),
        "summary" => t("خلاصه", "Summary"),
        "status" => t("وضعیت", "Status"),
        "problem" => t("مشکل", "Problem"),
        "cause" => t("علت احتمالی", "Likely cause"),
        "found_by" => t("یافته‌ی بررسی", "Found by"),
        "tried" => t("آنچه امتحان شد", "What was tried"),
        "nothing_tried" => t("هنوز راه‌حلی امتحان نشده است.", "No remedy was tried yet."),
        "next" => t("گام بعدی", "What to do next"),
        "nothing_next" => t("کاری باقی نمانده است.", "Nothing is left to do."),
        "contact" => t("با چه کسی تماس بگیرید", "Whom to contact"),
        "have_ready" => t("آماده داشته باشید", "Have ready"),
        "system" => t("سامانه", "System"),
        "any_system" => t("همه‌ی سامانه‌ها", "all systems"),
        "created" => t("تاریخ گزارش", "Report made"),
        "source" => t("منبع", "Made from"),
        "source_session" => t("جلسه‌ی ذخیره‌شده", "a saved session"),
        "source_snapshot" => t("بسته‌ی اطلاعات رایانه", "a diagnosis bundle"),
        "saved" => t("ذخیره‌شده در", "saved"),
        "saved_with" => t("هنگام ذخیره", "when saved"),
        "versions" => t("نسخه‌ها", "Versions"),
        "tool" => t("توکن‌یار", "tokenyar"),
        "kb" => t("پایگاه دانش", "knowledge base"),
        "redacted" => t(
            "اطلاعات شخصی (کد ملی، شماره‌ی سریال، نام کاربر و نام رایانه) با جای‌نشین عوض شده است.",
            "Personal data (national ids, serial numbers, user and host names) is replaced by placeholders.",
        ),
        "not_redacted" => t(
            "اطلاعات شخصی حذف نشده است؛ فقط با رضایت کاربر آن را بفرستید.",
            "Personal data is NOT redacted; share it only with the user's consent.",
        ),
        "status_open" => t(
            "باز: گفت‌وگو هنوز ادامه دارد",
            "open: the walk is not finished",
        ),
        "status_resolved" => t("حل شد", "resolved"),
        "status_escalated" => t("ارجاع به پشتیبانی", "escalated to support"),
        "status_finished" => t("پایان راهنما", "the guide ended"),
        "status_problems" => t("مشکل پیدا شد", "problems found"),
        "status_no_problem" => t("مشکلی پیدا نشد", "no problem found"),
        "no_problem" => t("مشکلی پیدا نشد", "No problem found"),
        "next_contact" => t(
            "راه دیگری در پایگاه دانش نمانده است؛ با پشتیبانی تماس بگیرید.",
            "Nothing else in the knowledge base applies: contact support.",
        ),
        "outcome_helped" => t("کمک کرد", "helped"),
        "outcome_verify_failed" => t(
            "به گفته‌ی کاربر کمک کرد، اما بررسی دوباره هنوز مشکل را می‌بیند",
            "the user said it helped, but checking again still finds the problem",
        ),
        "outcome_not_helped" => t("کمک نکرد", "did not help"),
        "findings" => t("یافته‌ها", "Findings"),
        "severity_error" => t("خطا", "Error"),
        "severity_warning" => t("هشدار", "Warning"),
        "severity_info" => t("نکته", "Note"),
        "remedy" => t("راه‌حل", "Remedy"),
        "why" => t("چرا؟", "Why?"),
        "walk" => t("مسیر گفت‌وگو", "The path of the walk"),
        "questions_answered" => t("پرسش‌هایی که کاربر پاسخ داد", "Questions the user answered"),
        "evidence" => t("شواهد", "Evidence"),
        "no_evidence" => t("هیچ بررسی‌ای اجرا نشد.", "No check ran."),
        "machine" => t("اطلاعات رایانه", "Machine facts"),
        "certificates" => t("گواهی‌های روی توکن", "Certificates on the token"),
        "subject" => t("دارنده", "Subject"),
        "issuer" => t("صادرکننده", "Issuer"),
        "serial" => t("شماره‌ی سریال", "Serial number"),
        "valid_from" => t("معتبر از", "Valid from"),
        "valid_to" => t("معتبر تا", "Valid until"),
        "unknown" => t("خوانده نشد", "could not be read"),
        "not_applicable" => t("در این رایانه کاربرد ندارد", "does not apply here"),
        "choices" => t("گزینه‌ها", "Choices"),
        _ => t(key, key),
    }
}

/// "Resolved: X helped".
pub fn resolved_by(remedy: &Text) -> Text {
    t(
        &format!("حل شد: «{}» کمک کرد.", remedy.fa),
        &format!("Resolved: “{}” helped.", remedy.en),
    )
}

/// "N problems found; the most serious: X".
pub fn problems_found(n: usize, top: &Text) -> Text {
    t(
        &format!(
            "{} مشکل پیدا شد؛ مهم‌ترین: {}",
            persian_digits(&n.to_string()),
            top.fa
        ),
        &format!("{n} problems found; the most serious: {}", top.en),
    )
}
