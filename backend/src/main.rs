use onramp::cli;
use onramp::config::Config;

#[tokio::main]
async fn main() {
    let cli = Config::cli_from_env();
    cli::init_tracing(cli.config.log_format());
    if let Err(err) = cli::run(cli).await {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}
