//! `mb-fake --addr 127.0.0.1:PORT [--seed demo|minimal] [--time-scale N]`: runs the fake and
//! prints one JSON line `{"api_base","oauth_base","login_base"}` when ready.

use std::net::SocketAddr;

use mb_fake::{FakeConfig, Seed};

fn usage() -> ! {
    eprintln!("usage: mb-fake [--addr 127.0.0.1:PORT] [--seed demo|minimal] [--time-scale N]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut addr: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut cfg = FakeConfig {
        time_scale: 60.0,
        ..FakeConfig::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--addr" => addr = value().parse().unwrap_or_else(|_| usage()),
            "--seed" => {
                cfg.seed = match value().as_str() {
                    "demo" => Seed::Demo,
                    "minimal" => Seed::Minimal,
                    _ => usage(),
                }
            }
            "--time-scale" => cfg.time_scale = value().parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    if !addr.ip().is_loopback() {
        eprintln!("mb-fake binds loopback addresses only");
        std::process::exit(2);
    }
    mb_fake::run_until_ctrl_c(addr, cfg).await
}
