//! Signing in and out, accounts, counters, goals, the linking window: what `mbridge` asks
//! Metrica about before an upload.

use mb_uploader::UploadKind;
use mb_uploader::dto::{AppError, SignInMethod};

use crate::args::{Cli, KindArg};
use crate::local::kind_of;
use crate::text;
use crate::{core, interrupted, lists, print_json};

pub async fn login(
    cli: &Cli,
    login_hint: &Option<String>,
    paste_code: &bool,
    device: &bool,
    no_browser: &bool,
) -> Result<u8, AppError> {
    let lang = cli.global.lang;
    let json = cli.global.json;
    let core = core(cli).await?;
    let method = if *device {
        SignInMethod::Device
    } else if *paste_code {
        SignInMethod::PasteCode
    } else {
        SignInMethod::Loopback
    };
    let started = core.begin_sign_in(method, login_hint.clone()).await?;
    // Listening for Ctrl-C from before the address is printed.
    let interrupted = interrupted();
    let method = started.method;
    if method == SignInMethod::PasteCode && !*paste_code {
        // The loopback port was busy: the core switched to paste-the-code.
        eprintln!(
            "{}",
            text::t(
                lang,
                "Порт для возврата из браузера занят другой программой — войдём по коду: \
                 Яндекс покажет код, вставьте его сюда.",
                "The port the browser returns to is busy (another program holds it), so \
                 we sign in with a code instead: Yandex shows a code, paste it here."
            )
        );
    }
    let url = started
        .verification_url
        .clone()
        .unwrap_or_else(|| started.authorize_url.clone());
    if !no_browser {
        let _ = open::that_detached(&url);
    }
    eprintln!(
        "{} {url}",
        text::t(lang, "Откройте в браузере:", "Open in a browser:")
    );
    if let Some(code) = &started.user_code {
        eprintln!(
            "{} {code}",
            text::t(lang, "и введите код:", "and enter the code:")
        );
    }
    tokio::pin!(interrupted);
    let code = if method == SignInMethod::PasteCode {
        eprint!(
            "{} ",
            text::t(
                lang,
                "Вставьте код со страницы Яндекса:",
                "Paste the code from the Yandex page:"
            )
        );
        // Read on a thread of its own, so Ctrl-C (whose handler is installed, so it no longer
        // ends the process) stops this wait too; the thread is left to the process's end.
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = tx.send(std::io::stdin().read_line(&mut s).map(|n| (n, s)));
        });
        let read = tokio::select! {
            r = rx => r.map_err(|_| AppError::Cancelled)?,
            () = &mut interrupted => {
                eprintln!();
                core.cancel(&started.flow_id);
                return Err(AppError::Cancelled);
            }
        };
        match read {
            Ok((n, s)) if n > 0 && !s.trim().is_empty() => Some(s.trim().to_string()),
            // The input ended (or was an empty line) with no code: nothing to sign in with.
            Ok(_) => {
                eprintln!();
                core.cancel(&started.flow_id);
                return Err(AppError::InvalidInput {
                    field: "code".into(),
                    reason: "empty".into(),
                });
            }
            Err(e) => {
                return Err(AppError::Internal {
                    detail: e.to_string(),
                });
            }
        }
    } else {
        None
    };
    // Ctrl-C stops the wait (and frees the loopback port) instead of killing the process.
    let completing = core.complete_sign_in(&started.flow_id, code);
    tokio::pin!(completing);
    let account = tokio::select! {
        r = &mut completing => r?,
        () = &mut interrupted => {
            core.cancel(&started.flow_id);
            completing.await?
        }
    };
    if json {
        print_json(&account)
    } else {
        println!(
            "{} {}",
            text::t(lang, "Вы вошли как", "Signed in as"),
            account.login
        )
    }
    Ok(0)
}

pub async fn logout(cli: &Cli, login: &Option<String>) -> Result<u8, AppError> {
    let (lang, json) = (cli.global.lang, cli.global.json);
    let core = core(cli).await?;
    let login = match login {
        Some(l) => l.clone(),
        None => core.active_login()?,
    };
    let accounts = core.sign_out(&login).await?;
    if json {
        print_json(&accounts)
    } else {
        println!("{} {login}", text::t(lang, "Вы вышли из", "Signed out of"))
    }
    Ok(0)
}

pub async fn accounts(cli: &Cli, switch: &Option<String>) -> Result<u8, AppError> {
    let (lang, json) = (cli.global.lang, cli.global.json);
    let core = core(cli).await?;
    let accounts = match switch {
        Some(l) => core.switch_account(l)?,
        None => core.accounts()?,
    };
    if json {
        print_json(&accounts)
    } else {
        lists::accounts(&accounts, lang)
    }
    Ok(0)
}

pub async fn counters(cli: &Cli, search: &Option<String>) -> Result<u8, AppError> {
    let (lang, json) = (cli.global.lang, cli.global.json);
    let core = core(cli).await?;
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = core
            .counters(&mb_uploader::dto::CountersQuery {
                search: search.clone(),
                offset,
                limit: 1000,
            })
            .await?;
        let n = page.counters.len() as u32;
        all.extend(page.counters);
        offset += n;
        if n == 0 || offset >= page.total {
            break;
        }
    }
    if json {
        print_json(&all)
    } else {
        lists::counters(&all, lang)
    }
    Ok(0)
}

pub async fn goals(cli: &Cli, counter: &u32) -> Result<u8, AppError> {
    let (lang, json) = (cli.global.lang, cli.global.json);
    let core = core(cli).await?;
    let goals = core.goals(*counter).await?;
    if json {
        print_json(&goals)
    } else {
        lists::goals(&goals, lang)
    }
    Ok(0)
}

pub async fn window(
    cli: &Cli,
    counter: &u32,
    kind: &KindArg,
    enable_extended: &bool,
) -> Result<u8, AppError> {
    let (lang, json) = (cli.global.lang, cli.global.json);
    let core = core(cli).await?;
    let kind = kind_of(*kind).unwrap_or(UploadKind::Conversions);
    let w = if *enable_extended {
        core.enable_extended_window(*counter, kind).await?
    } else {
        core.linking_window(*counter, kind).await?
    };
    if json {
        print_json(&w)
    } else {
        println!("{}", text::linking_window(&w, lang));
    }
    Ok(0)
}
