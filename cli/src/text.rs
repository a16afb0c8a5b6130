//! The words of the human report, Russian first, English second. Texts of codes (issues,
//! explanations, failure reasons, states, severities, plurals) come from the one message
//! catalogue (`mb-text`, the same texts the app shows); here are the CLI's own sentences:
//! the send review, the linking window and the boundary error kinds.

use crate::args::Lang;
use mb_text::Arg;

pub fn issue_text(code: mb_uploader::IssueCode, lang: Lang) -> &'static str {
    mb_uploader::messages::issue_text(code, msg_lang(lang))
}

/// The catalogue language of a CLI language.
/// An instant as a person reads it: this computer's time, 22.11.2026 10:00.
pub fn when(ts: jiff::Timestamp) -> String {
    ts.to_zoned(jiff::tz::TimeZone::system())
        .strftime("%d.%m.%Y %H:%M")
        .to_string()
}

/// An instant the core gave as text (RFC 3339) as a person reads it; other text as it came.
pub fn when_text(s: &str) -> String {
    s.parse::<jiff::Timestamp>()
        .map_or_else(|_| s.to_string(), when)
}

/// A calendar day the core gave as `YYYY-MM-DD` as 22.11.2026; other text as it came.
pub fn day_text(s: &str) -> String {
    s.parse::<jiff::civil::Date>()
        .map_or_else(|_| s.to_string(), |d| d.strftime("%d.%m.%Y").to_string())
}

/// The data folder a storage error is about, with what to check.
pub fn data_folder(dir: &std::path::Path, lang: Lang) -> String {
    format!(
        "{} {} — {}",
        t(lang, "Папка данных:", "Data folder:"),
        dir.display(),
        t(
            lang,
            "проверьте, что в неё можно писать и на диске есть место (её задаёт --data-dir или MBRIDGE_DATA_DIR)",
            "check that it can be written to and the disk has room (--data-dir or MBRIDGE_DATA_DIR sets it)"
        )
    )
}

pub fn msg_lang(lang: Lang) -> mb_uploader::messages::Lang {
    match lang {
        Lang::Ru => mb_uploader::messages::Lang::Ru,
        Lang::En => mb_uploader::messages::Lang::En,
    }
}

pub fn t(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Ru { ru } else { en }
}

pub fn rows(n: u64, lang: Lang) -> String {
    mb_text::format(msg_lang(lang), "common.rows", &[("count", Arg::Num(n))])
}

/// The send review, said before anything leaves: «Отправим 30 новых строк из 130».
pub fn review(r: &mb_uploader::SendReview, lang: Lang) -> String {
    let (n, m) = (r.new_rows, r.valid_rows);
    if r.only_new {
        mb_text::format(
            msg_lang(lang),
            "send.reviewNew",
            &[("count", Arg::Num(n)), ("total", Arg::Num(m))],
        )
    } else {
        mb_text::format(msg_lang(lang), "send.reviewAll", &[("count", Arg::Num(m))])
    }
}

/// «Из них N строк уже отправлялись с другими данными…» when only-new left out conversions or
/// calls sent before with other values (Metrica keeps the earlier ones); None otherwise.
pub fn changed_kept(n: u64, lang: Lang) -> Option<String> {
    (n > 0).then(|| {
        mb_text::format(
            msg_lang(lang),
            "send.changedKept",
            &[("count", Arg::Num(n))],
        )
    })
}

/// A catalogue sentence of `key` about `n` rows, or None when there are none: corrections
/// (`send.corrected`), older values left out (`send.outdated`), older values an all-rows send
/// would put back (`send.outdatedAll`) or put back (`send.outdatedSent`).
pub fn of_rows(key: &str, n: u64, lang: Lang) -> Option<String> {
    (n > 0).then(|| mb_text::format(msg_lang(lang), key, &[("count", Arg::Num(n))]))
}

/// «5 строк из них уже есть в Метрике: звонки, отправленные ещё раз, Метрика может посчитать
/// дважды» when an all-rows send of calls carries rows Metrica has already (the app's words;
/// `counts_twice`: `UploadKind::counts_sent_again`); None otherwise.
pub fn twice(n: u64, counts_twice: bool, lang: Lang) -> Option<String> {
    (n > 0 && counts_twice)
        .then(|| mb_text::format(msg_lang(lang), "send.twice", &[("count", Arg::Num(n))]))
}

/// A file sent in parts that did not all go: «Отправлено 2 части из 3; часть 3 не ушла» (the
/// app's words, from the core's [`mb_uploader::dto::SendStopped`]). None for a file in one
/// piece or one whose every part recorded was accepted.
pub fn partial(done: &mb_uploader::UploadResult, lang: Lang) -> Option<String> {
    use mb_uploader::plan::OutcomeKind as O;
    let parts: Vec<_> = done
        .uploads()
        .iter()
        .map(mb_uploader::history::summary)
        .collect();
    let s = mb_uploader::dto::SendStopped::of(&parts, done.stopped().is_some())?;
    if s.total < 2 || s.part == 0 {
        return None;
    }
    let key = match s.state {
        O::Interrupted => "send.partInterrupted",
        O::Rejected => "send.partRejected",
        _ => "send.partFailed",
    };
    let stopped = mb_text::format(msg_lang(lang), key, &[("n", Arg::Num(u64::from(s.part)))]);
    Some(mb_text::format(
        msg_lang(lang),
        "send.partial",
        &[
            ("count", Arg::Num(u64::from(s.accepted))),
            ("total", Arg::Num(u64::from(s.total))),
            ("stopped", Arg::Str(&stopped)),
        ],
    ))
}

/// 1204 → «1 204» (a thin no-break space, as ru-RU writes numbers).
pub fn group(n: u64) -> String {
    mb_text::group(mb_text::Lang::Ru, n)
}

pub fn severity(s: &str, lang: Lang) -> &'static str {
    mb_text::text(msg_lang(lang), &format!("severity.{s}")).unwrap_or("?")
}

pub fn state(s: &str, lang: Lang) -> &'static str {
    mb_text::text(msg_lang(lang), &format!("states.{s}")).unwrap_or("?")
}

/// The counter's linking window in words (docs/metrika-api.md §4.7).
pub fn linking_window(w: &mb_uploader::dto::LinkingWindow, lang: Lang) -> String {
    let mut s = match &w.opens_on {
        Some(d) => format!(
            "{} {}",
            t(
                lang,
                "Метрика начнёт принимать офлайн-данные в этот счётчик с",
                "Metrica starts taking offline data for this counter on"
            ),
            day_text(d)
        ),
        None => t(
            lang,
            "Счётчик принимает офлайн-данные",
            "The counter takes offline data",
        )
        .to_string(),
    };
    let ext = match w.extended {
        Some(true) => t(
            lang,
            "; окно привязки 21 день включено",
            "; the 21-day window is on",
        ),
        Some(false) => t(
            lang,
            "; окно привязки 21 день выключено",
            "; the 21-day window is off",
        ),
        None => "",
    };
    s.push_str(ext);
    // The window still growing from the day it was switched on: events before that day may
    // not link (what the check's «раньше дня, с которого счётчик связывает…» means).
    if let Some(d) = &w.links_from {
        s.push_str(&format!(
            "; {} {}",
            t(
                lang,
                "связывает офлайн-данные с визитами с",
                "links offline data to visits from"
            ),
            day_text(d)
        ));
    }
    if w.can_enable_extended {
        s.push_str(&format!(
            "{} mbridge window --counter {} --enable-extended",
            t(lang, " — включить:", " — switch it on:"),
            w.counter_id
        ));
    }
    s
}

/// One fact of an upload's explanation, with its row count in words.
pub fn explanation(e: &mb_uploader::dto::ExplanationItem, lang: Lang) -> String {
    let rows = e
        .count
        .map(|n| rows(u64::from(n), lang))
        .unwrap_or_default();
    mb_text::format(
        msg_lang(lang),
        &format!("explain.{}", e.code.as_str()),
        &[("rows", Arg::Str(&rows))],
    )
}

/// Why an upload failed, in words; Metrica's own message as it came.
pub fn failure(f: &mb_uploader::dto::FailureReason, lang: Lang) -> String {
    f.describe(msg_lang(lang))
}

/// Words for a boundary error kind, with its data where it helps.
pub fn error(e: &mb_uploader::dto::AppError, lang: Lang) -> String {
    use mb_uploader::dto::AppError as E;
    match e {
        E::NotSignedIn => t(
            lang,
            "вы не вошли в Яндекс: выполните `mbridge login` или задайте MBRIDGE_TOKEN",
            "not signed in: run `mbridge login` or set MBRIDGE_TOKEN",
        )
        .into(),
        E::TokenExpired { login } if login.is_empty() => t(
            lang,
            "Метрика не приняла токен входа (устарел или отозван): если он задан в MBRIDGE_TOKEN, замените его, иначе выполните `mbridge login` снова",
            "Metrica did not accept the sign-in token (expired or revoked): if it is set in MBRIDGE_TOKEN, replace it; otherwise run `mbridge login` again",
        )
        .into(),
        E::TokenExpired { login } => format!(
            "{} {login}: {}",
            t(lang, "вход устарел для", "sign-in expired for"),
            t(
                lang,
                "выполните `mbridge login` снова",
                "run `mbridge login` again"
            )
        ),
        E::NoAccess { counter_id } => format!(
            "{} {counter_id}",
            t(
                lang,
                "нет прав на загрузку в счётчик (нужен владелец или гостевой доступ с правом редактирования):",
                "no upload rights on counter (owner or guest edit access needed):"
            )
        ),
        // Which quota is Metrica's name for it (`--json` keeps it); the person needs the when.
        E::QuotaExceeded { retry_at, .. } => format!(
            "{}{}",
            t(
                lang,
                "исчерпана квота запросов Метрики",
                "Metrica request quota exhausted"
            ),
            retry_at
                .as_ref()
                .map(|r| format!(
                    ", {} {}",
                    t(lang, "повторите после", "retry after"),
                    when_text(r)
                ))
                .unwrap_or_default()
        ),
        E::RejectedData { message, line, .. } => format!(
            "{}: {message}{}",
            t(
                lang,
                "Метрика отклонила данные",
                "Metrica rejected the data"
            ),
            line.map(|l| format!(" ({} {l})", t(lang, "строка", "line")))
                .unwrap_or_default()
        ),
        E::LinkingWindowNotOpen { date } => format!(
            "{} {}",
            t(
                lang,
                "Метрика начнёт принимать офлайн-данные в этот счётчик (первые сутки после включения учёта офлайн-конверсий) с",
                "Metrica starts taking offline data for this counter (the first day after offline tracking is switched on) on"
            ),
            day_text(date)
        ),
        E::Network { detail } => format!(
            "{} ({detail})",
            t(
                lang,
                "нет связи с Метрикой — проверьте интернет и повторите",
                "cannot reach Metrica — check the connection and retry"
            )
        ),
        E::Server { status } => format!(
            "{} {status} — {}",
            t(lang, "ошибка сервера Метрики", "Metrica server error"),
            t(lang, "повторите позже", "retry later")
        ),
        E::FileUnreadable {
            file_name,
            reason: reason @ mb_uploader::dto::FileReason::FolderNotFound,
        } => format!(
            "{} {file_name}: {}",
            t(lang, "не удалось прочитать папку", "cannot read folder"),
            reason.describe(msg_lang(lang))
        ),
        E::FileUnreadable { file_name, reason } => format!(
            "{} {file_name}: {}",
            t(lang, "не удалось прочитать файл", "cannot read file"),
            reason.describe(msg_lang(lang))
        ),
        E::DataHasErrors {
            errors,
            in_file: true,
            ..
        } => format!(
            "{} ({errors}); {}",
            t(lang, "в самом файле есть ошибки", "the file itself has errors"),
            t(
                lang,
                "--skip-invalid их не обходит (строкам файла нельзя доверять): исправьте файл",
                "--skip-invalid does not get around them (the file's rows cannot be trusted): fix the file"
            )
        ),
        E::DataHasErrors {
            errors,
            no_valid_rows: true,
            ..
        } => format!(
            "{} ({}: {errors}); {}",
            t(lang, "в файле нет ни одной строки без ошибок", "no row of the file is without errors"),
            t(lang, "ошибок", "errors"),
            t(
                lang,
                "исправьте файл — или, если выше предложены параметры (--status, --currency), добавьте их к команде",
                "fix the file — or, where options are offered above (--status, --currency), add them to the command"
            )
        ),
        E::DataHasErrors { errors, .. } => format!(
            "{} ({}: {errors}); {}",
            t(lang, "в файле есть ошибки", "the file has errors"),
            t(lang, "ошибок", "errors"),
            t(
                lang,
                "исправьте их или добавьте --skip-invalid, чтобы отправить только верные строки",
                "fix them or add --skip-invalid to send the valid rows only"
            )
        ),
        E::CutOffUnsettled {
            upload_id,
            sent_at,
            look_again_at,
        } => format!(
            "{} #{upload_id} ({}) {} {}",
            t(lang, "загрузка", "upload"),
            when_text(sent_at),
            t(
                lang,
                "прервалась, и Метрика пока её не показывает: Метрика показывает загрузку не сразу, \
                 а звонки из неё, если отправить их снова, посчитаются дважды. Ничего не \
                 отправлено; попробуйте снова после",
                "was cut off, and Metrica does not list it yet: Metrica lists an upload only after \
                 a while, and its calls sent again would count twice. Nothing was sent; try again \
                 after"
            ),
            when_text(look_again_at),
        ),
        E::Duplicate {
            upload_id,
            sent_at,
            interrupted: true,
        } => format!(
            "{} #{upload_id} ({}) {}; {} `mbridge resend {upload_id}`",
            t(
                lang,
                "этот файл уже начинали отправлять в этот счётчик: загрузка",
                "a send of this file to this counter began before: upload"
            ),
            when_text(sent_at),
            t(
                lang,
                "прервалась, и неизвестно, дошла ли она до Метрики",
                "was cut off, and whether Metrica has it is not known"
            ),
            t(
                lang,
                "чтобы не отправить данные дважды, выполните",
                "not to send the data twice, run"
            )
        ),
        E::Duplicate {
            upload_id, sent_at, ..
        } => format!(
            "{} #{upload_id} ({}); {}",
            t(
                lang,
                "этот файл уже отправлялся в этот счётчик: загрузка",
                "this file was already sent to this counter: upload"
            ),
            when_text(sent_at),
            t(
                lang,
                "добавьте --force, чтобы отправить ещё раз",
                "add --force to send it again"
            )
        ),
        E::Cancelled => t(lang, "отменено", "cancelled").into(),
        E::NotFound { what } => not_found(what, lang),
        E::JobRunning { name } => format!(
            "{} {name} {}",
            t(lang, "задание", "job"),
            t(
                lang,
                "сейчас выполняется; удалите его, когда запуск закончится",
                "is running now; remove it when the run has ended"
            )
        ),
        // A code of the sign-in protocol (`state_mismatch`) says nothing to a person: the way on
        // is the same for all of them; a sentence from the server is kept.
        E::SignInFailed { reason } if reason.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => t(
            lang,
            "вход не удался — начните вход заново (mbridge login)",
            "sign-in failed — start signing in again (mbridge login)",
        )
        .to_string(),
        E::SignInFailed { reason } => {
            format!("{}: {reason}", t(lang, "вход не удался", "sign-in failed"))
        }
        E::InvalidInput { field, reason } if reason == crate::upload::VALIDATE_ONLY => format!(
            "--{field}: {}",
            t(
                lang,
                "при отправке часовой пояс и цели берутся из счётчика в Метрике; --tz и --goals — для validate и prepare",
                "an upload takes the time zone and goals from the counter in Metrica; --tz and --goals are for validate and prepare"
            )
        ),
        E::InvalidInput { field, reason } if field == "kind" && reason == "undetected" => t(
            lang,
            "не удалось понять по заголовку, что это за данные — укажите --kind (conversions, calls, simple-orders, contacts или orders)",
            "could not tell from the header what data this is — give --kind (conversions, calls, simple-orders, contacts or orders)",
        )
        .to_string(),
        E::InvalidInput { field, reason } if reason == crate::jobs_add::FROM_UPLOAD_FIXED => {
            format!(
                "--{field}: {}",
                t(
                    lang,
                    "с --from-upload задание повторяет сопоставление и настройки той загрузки; уберите этот параметр или создайте задание без --from-upload",
                    "with --from-upload the job repeats that upload's mapping and options; leave this option out or create the job without --from-upload"
                )
            )
        }
        E::InvalidInput { field, reason }
            if mb_uploader::jobs::same_files_of(field, reason).is_some() =>
        {
            let (other, _) = mb_uploader::jobs::same_files_of(field, reason).unwrap_or_default();
            format!(
                "{} {other} {}",
                t(lang, "задание", "job"),
                t(
                    lang,
                    "уже берёт эти файлы для этого счётчика: измените его (mbridge jobs add … --replace) или удалите (mbridge jobs remove)",
                    "already takes these files for this counter: change it (mbridge jobs add … --replace) or remove it (mbridge jobs remove)"
                )
            )
        }
        E::InvalidInput { field, reason } if mb_uploader::jobs::exists_of(field, reason).is_some() => {
            let (other, _) = mb_uploader::jobs::exists_of(field, reason).unwrap_or_default();
            format!(
                "{} {other} — {}",
                t(lang, "это имя уже у задания", "this name is taken by the job"),
                t(
                    lang,
                    "выберите другое имя или добавьте --replace, чтобы изменить то задание (его запуски и взятые файлы останутся)",
                    "choose another name, or add --replace to change that job (its runs and taken files stay)",
                )
            )
        }
        E::InvalidInput { field, reason }
            if field == "upload" && reason == mb_uploader::error::SENT_SINCE =>
        {
            t(
                lang,
                "часть строк этой загрузки с тех пор уже отправила другая загрузка: отправка заново посчитала бы звонки дважды или вернула бы в Метрику прежние значения. Чтобы отправить остальное, загрузите файл снова (mbridge upload): уйдёт только то, чего в Метрике ещё нет",
                "another upload has since delivered some rows of this one: resending it would count calls twice or put earlier values back into Metrica. To send the rest, upload the file again (mbridge upload): only what Metrica lacks goes",
            )
            .to_string()
        }
        E::InvalidInput { field, reason }
            if field == "sign_in" && reason == mb_uploader::error::WRITE_SCOPE =>
        {
            t(
                lang,
                "вход не даёт права менять настройки счётчика (нужно разрешение metrika:write): выполните MBRIDGE_SCOPE_WRITE=1 mbridge login и разрешите его",
                "the sign-in does not allow changing the counter's settings (metrika:write is needed): run MBRIDGE_SCOPE_WRITE=1 mbridge login and allow it",
            )
            .to_string()
        }
        E::InvalidInput { field, reason }
            if field == "upload" && reason == mb_uploader::error::NOT_RESENDABLE =>
        {
            t(
                lang,
                "эту загрузку нельзя отправить заново: она уже принята Метрикой, ещё отправляется или уже отправлена заново (состояние покажет mbridge history)",
                "this upload cannot be resent: Metrica accepted it, it is still being sent, or it was resent already (mbridge history shows its state)",
            )
            .to_string()
        }
        E::InvalidInput { reason, .. } if reason == mb_uploader::error::NO_FILE_TO_LEARN => t(
            lang,
            "в папке нет подходящего файла, по которому можно узнать столбцы: положите туда выгрузку или укажите --mapping",
            "no matching file in the folder to learn the columns from: put an export there or pass --mapping",
        )
        .into(),
        E::InvalidInput { field, reason } if field == "export" => {
            let (code, path) = reason.split_once(':').unwrap_or(("", reason));
            let why = match code {
                c if c == mb_uploader::error::EXPORT_NO_FOLDER => {
                    t(lang, "такой папки нет", "there is no such folder")
                }
                c if c == mb_uploader::error::EXPORT_DENIED => {
                    t(lang, "нет права записи", "no permission to write")
                }
                c if c == mb_uploader::error::EXPORT_IS_FOLDER => t(
                    lang,
                    "это папка, а нужен путь к файлу (например, папка/metrika.csv)",
                    "that is a folder; give a file's path (such as folder/metrika.csv)",
                ),
                _ => t(lang, "запись не удалась", "writing failed"),
            };
            format!(
                "{} {path}: {why}",
                t(lang, "не удалось записать файл", "could not write the file")
            )
        }
        E::InvalidInput { field, reason } if field == "name" && reason == "name_or_all" => t(
            lang,
            "укажите имя задания или --all",
            "give a job name or --all",
        )
        .into(),
        E::InvalidInput { reason, .. } if reason == mb_uploader::error::NO_SCHEDULE => t(
            lang,
            "у задания нет расписания: задайте его (--every hourly, daily@ЧЧ:ММ или weekly@ДЕНЬ@ЧЧ:ММ)",
            "the job has no schedule: give it one (--every hourly, daily@HH:MM or weekly@DAY@HH:MM)",
        )
        .into(),
        E::InvalidInput { reason, .. }
            if reason.starts_with(&format!("{}:", mb_uploader::error::UNKNOWN_SCHEDULE)) =>
        {
            let typed = reason.split_once(':').map_or("", |(_, v)| v);
            format!(
                "{} «{typed}»: {}",
                t(lang, "непонятное расписание", "unknown schedule"),
                t(
                    lang,
                    "используйте hourly, daily@ЧЧ:ММ или weekly@ДЕНЬ@ЧЧ:ММ (ДЕНЬ: пн, вт, ср, чт, пт, сб, вс — или mon … sun)",
                    "use hourly, daily@HH:MM or weekly@DAY@HH:MM (DAY: mon, tue, wed, thu, fri, sat, sun)"
                )
            )
        }
        E::InvalidInput { reason, .. }
            if reason.starts_with(&format!("{}:", mb_uploader::error::JOB_NAME)) =>
        {
            let typed = reason.split_once(':').map_or("", |(_, v)| v);
            format!(
                "{} «{typed}»: {}",
                t(lang, "имя задания", "job name"),
                t(
                    lang,
                    "назовите задание буквами или цифрами (русское имя запишем для планировщика латиницей)",
                    "name the job with letters or digits"
                )
            )
        }
        E::InvalidInput { field, reason }
            if field == "mapping" && reason.starts_with(crate::local::MAPPING_JSON) =>
        {
            let rest = &reason[crate::local::MAPPING_JSON.len()..];
            let (place, detail) = rest.split_once('\n').unwrap_or((rest, ""));
            let mut it = place.splitn(3, ':');
            let (line, column, path) = (
                it.next().unwrap_or(""),
                it.next().unwrap_or(""),
                it.next().unwrap_or(""),
            );
            format!(
                "{} {path} {}: {} {line}, {} {column} ({detail})",
                t(lang, "файл --mapping", "the --mapping file"),
                t(
                    lang,
                    "не читается как шаблон столбцов",
                    "is not a column template"
                ),
                t(lang, "строка", "line"),
                t(lang, "позиция", "column"),
            )
        }
        // `mbridge login --paste-code` given no code.
        E::InvalidInput { field, reason } if field == "code" && reason == "empty" => t(
            lang,
            "код не вставлен, вход не выполнен: запустите mbridge login снова и вставьте код со страницы Яндекса",
            "no code was pasted, so you are not signed in: run mbridge login again and paste the code from the Yandex page",
        )
        .to_string(),
        // A server address that is no web address (MBRIDGE_API_BASE and the like).
        E::InvalidInput { field, reason } if field == "config" => format!(
            "{}: {reason}",
            t(lang, "неверный адрес сервера", "wrong server address")
        ),
        E::InvalidInput { field, reason } => format!(
            "{} {field}: {reason}",
            t(lang, "неверное значение", "invalid value for")
        ),
        E::HistoryBusy { detail } => format!(
            "{}: {detail}",
            t(
                lang,
                "история занята другим процессом (запуском задания или приложением): повторите чуть позже",
                "the history is held by another process (a job's run or the app): try again shortly"
            )
        ),
        E::Storage { detail } => format!(
            "{}: {detail}",
            t(lang, "ошибка локального хранилища", "local storage error")
        ),
        E::SchedulerFailed { detail } => format!(
            "{}: {detail}",
            t(
                lang,
                "система не включила расписание, задание запускается только вручную",
                "the system did not turn the schedule on; the job runs by hand only"
            )
        ),
        E::Internal { detail } => format!(
            "{}: {detail}",
            t(lang, "внутренняя ошибка", "internal error")
        ),
        // Only the desktop app updates itself; `mbridge` comes with its package.
        E::UpdateFailed { .. } => t(
            lang,
            "обновление не удалось: mbridge обновляется вместе с пакетом Metrika Bridge",
            "update failed: mbridge is updated with the Metrika Bridge package",
        )
        .into(),
    }
}

/// What was not found, in words: the core names it by kind and key (`upload:7`, `job shop`).
fn not_found(what: &str, lang: Lang) -> String {
    let (kind, key) = what
        .split_once([':', ' '])
        .map_or((what, ""), |(k, v)| (k, v.trim()));
    match kind {
        "upload" => format!(
            "{} #{key} {}",
            t(lang, "загрузки", "upload"),
            t(lang, "нет в истории", "is not in the history")
        ),
        "job" => format!(
            "{} {key} {}",
            t(lang, "задания", "there is no job"),
            t(lang, "нет (mbridge jobs list покажет задания)", "(mbridge jobs list shows the jobs)")
        ),
        "account" => format!(
            "{} {key} {}",
            t(lang, "аккаунта", "account"),
            t(lang, "нет в приложении (mbridge accounts)", "is not in the app (mbridge accounts)")
        ),
        "counter" => format!(
            "{} {key} {}",
            t(lang, "счётчика", "counter"),
            t(
                lang,
                "нет среди счётчиков аккаунта (mbridge counters покажет их)",
                "is not among the account's counters (mbridge counters lists them)"
            )
        ),
        "prepared_file" => t(
            lang,
            "файл, подготовленный для этой загрузки, удалён: загрузите исходный файл снова",
            "the file prepared for this upload is gone: upload the original file again",
        )
        .to_string(),
        "metrica_object" => t(
            lang,
            "Метрика не нашла то, о чём спросили: возможно, у аккаунта больше нет доступа к счётчику",
            "Metrica did not find what was asked for: the account may have lost access to the counter",
        )
        .to_string(),
        _ => format!("{}: {what}", t(lang, "не найдено", "not found")),
    }
}

/// A job's schedule in the words the window uses («каждый день в 09:30», «вручную»), from the
/// catalogue both share; a token the core cannot read is shown as it is.
pub fn every_words(every: Option<&str>, lang: Lang) -> String {
    use mb_uploader::dto::JobSchedule;
    let schedule = match every.map(str::parse::<mb_uploader::schedule::Every>) {
        None => None,
        Some(Ok(parsed)) => Some(JobSchedule::from(parsed)),
        // A schedule the core cannot read is said as it is.
        Some(Err(_)) => return every.unwrap_or_default().to_string(),
    };
    let time = schedule.as_ref().map(|s| s.at.clone()).unwrap_or_default();
    mb_text::format(
        msg_lang(lang),
        &JobSchedule::words_key(schedule.as_ref()),
        &[("time", Arg::Str(&time))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `jobs list` says a schedule as the window does, in either language.
    #[test]
    fn a_schedule_is_said_in_words() {
        assert_eq!(
            every_words(Some("weekly@fri@18:05"), Lang::Ru),
            "по пятницам в 18:05"
        );
        assert_eq!(every_words(Some("hourly"), Lang::En), "every hour");
        assert_eq!(every_words(None, Lang::Ru), "вручную");
    }

    /// Refusals of a job's name or schedule, and a folder with nothing to learn from, are said
    /// in the language asked for, with what was typed (they came as English reasons).
    #[test]
    fn job_refusals_are_said_in_russian_with_what_was_typed() {
        let said = |reason: &str| {
            error(
                &mb_uploader::dto::AppError::InvalidInput {
                    field: "every".into(),
                    reason: reason.into(),
                },
                Lang::Ru,
            )
        };
        assert_eq!(
            said("unknown_schedule:daily@25:99"),
            "непонятное расписание «daily@25:99»: используйте hourly, daily@ЧЧ:ММ или weekly@ДЕНЬ@ЧЧ:ММ (ДЕНЬ: пн, вт, ср, чт, пт, сб, вс — или mon … sun)"
        );
        assert!(
            said("job_name:«»")
                .starts_with("имя задания ««»»: назовите задание буквами или цифрами")
        );
        assert!(said("no_schedule").starts_with("у задания нет расписания"));
        assert!(said("no_file_to_learn").starts_with("в папке нет подходящего файла"));
        let export = error(
            &mb_uploader::dto::AppError::InvalidInput {
                field: "export".into(),
                reason: "no_folder:/nonexistent/dir/h.csv".into(),
            },
            Lang::Ru,
        );
        assert_eq!(
            export,
            "не удалось записать файл /nonexistent/dir/h.csv: такой папки нет"
        );
    }

    #[test]
    fn times_and_days_are_said_as_people_read_them() {
        let day = error(
            &mb_uploader::dto::AppError::LinkingWindowNotOpen {
                date: "2026-11-23".into(),
            },
            Lang::Ru,
        );
        assert!(day.ends_with(" 23.11.2026"), "{day}");
        let dup = error(
            &mb_uploader::dto::AppError::Duplicate {
                upload_id: 7,
                sent_at: "2026-11-22T07:00:00Z".into(),
                interrupted: false,
            },
            Lang::Ru,
        );
        assert!(dup.contains("--force"), "{dup}");
        // A send that was cut off is resent (the server is asked first), never forced.
        let cut = error(
            &mb_uploader::dto::AppError::Duplicate {
                upload_id: 7,
                sent_at: "2026-11-22T07:00:00Z".into(),
                interrupted: true,
            },
            Lang::Ru,
        );
        assert!(
            cut.contains("`mbridge resend 7`") && !cut.contains("--force"),
            "{cut}"
        );
        // What was not found is said in words, never as the core's key.
        for (what, want) in [
            ("upload:42", "загрузки #42 нет в истории"),
            ("job shop", "задания shop нет"),
            (
                "prepared_file:42",
                "файл, подготовленный для этой загрузки, удалён",
            ),
            ("metrica_object", "Метрика не нашла"),
        ] {
            let said = error(
                &mb_uploader::dto::AppError::NotFound { what: what.into() },
                Lang::Ru,
            );
            assert!(said.contains(want), "{what}: {said}");
            assert!(!said.contains(what), "{what}: {said}");
        }
        let resend = error(
            &mb_uploader::dto::AppError::InvalidInput {
                field: "upload".into(),
                reason: mb_uploader::error::NOT_RESENDABLE.into(),
            },
            Lang::Ru,
        );
        assert!(
            resend.starts_with("эту загрузку нельзя отправить заново"),
            "{resend}"
        );
        // Metrica's and the sign-in's code names stay out of the sentence.
        let quota = error(
            &mb_uploader::dto::AppError::QuotaExceeded {
                quota: "quota_requests_by_counter_id".into(),
                retry_at: None,
            },
            Lang::Ru,
        );
        assert!(!quota.contains("quota_"), "{quota}");
        let sign_in = error(
            &mb_uploader::dto::AppError::SignInFailed {
                reason: "state_mismatch".into(),
            },
            Lang::Ru,
        );
        assert!(
            !sign_in.contains("state_mismatch") && sign_in.contains("mbridge login"),
            "{sign_in}"
        );
        let local = when("2026-11-22T07:00:00Z".parse().unwrap());
        assert!(dup.contains(&format!("#7 ({local})")), "{dup}");
        assert!(!dup.contains("T07:00"), "{dup}");
        // Anything else comes as it came.
        assert_eq!(day_text("завтра"), "завтра");
        assert_eq!(when_text("—"), "—");
    }

    #[test]
    fn russian_plurals_follow_the_rules() {
        assert_eq!(rows(1, Lang::Ru), "1 строка");
        assert_eq!(rows(2, Lang::Ru), "2 строки");
        assert_eq!(rows(5, Lang::Ru), "5 строк");
        assert_eq!(rows(11, Lang::Ru), "11 строк");
        assert_eq!(rows(21, Lang::Ru), "21 строка");
        assert_eq!(rows(1204, Lang::Ru), "1\u{202F}204 строки");
    }

    #[test]
    fn issue_texts_come_from_the_import_catalogue() {
        assert_eq!(
            issue_text(mb_uploader::IssueCode::FutureDatetime, Lang::Ru),
            mb_uploader::messages::issue_text(
                mb_uploader::IssueCode::FutureDatetime,
                mb_uploader::messages::Lang::Ru
            )
        );
        assert!(issue_text(mb_uploader::IssueCode::FutureDatetime, Lang::En).contains("future"));
    }

    #[test]
    fn file_reasons_name_the_line_and_the_kind_of_file() {
        use mb_uploader::dto::FileReason as R;
        let r = R::LineTooLong { line: 3 }.describe(msg_lang(Lang::Ru));
        assert!(r.contains("строка 3") && r.contains("длинная"), "{r}");
        let en = R::LineTooLong { line: 3 }.describe(msg_lang(Lang::En));
        assert!(en.contains("line 3 is too long"), "{en}");
        let r = R::NotRegularFile.describe(msg_lang(Lang::Ru));
        assert!(r.contains("не обычный файл"), "{r}");
        assert!(
            R::WorkbookTooLarge
                .describe(msg_lang(Lang::En))
                .contains("CSV")
        );
    }
}
