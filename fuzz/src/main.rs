//! `auth-fuzz [seconds per target] [target…]`: fuzzes each target and prints, per target, the
//! cases run, the corpus and signatures reached, the slowest case and the crashes; exits 1 when
//! anything crashed. `--crashes DIR` (default `$CARGO_TARGET_DIR/fuzz-crashes`, else
//! `target/fuzz-crashes`), `--seed N` repeats a run, `--bound-ms N` the per-case time bound.

use std::{
    path::PathBuf,
    process::ExitCode,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use auth_fuzz::{Settings, fuzz, quiet_panics, targets};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut seconds = 10.0_f64;
    let mut names = Vec::new();
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut crash_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from)
        .join("fuzz-crashes");
    let mut rng_seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    let mut bound = Duration::from_millis(2000);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--crashes" => crash_dir = args.next().map(PathBuf::from).unwrap_or(crash_dir),
            "--seed" => rng_seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(rng_seed),
            "--bound-ms" => {
                if let Some(ms) = args.next().and_then(|s| s.parse().ok()) {
                    bound = Duration::from_millis(ms);
                }
            }
            other => match other.parse::<f64>() {
                Ok(s) if s > 0.0 => seconds = s,
                _ => names.push(other.to_owned()),
            },
        }
    }
    let all = targets::all();
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| !all.iter().any(|t| t.name == n.as_str()))
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = all.iter().map(|t| t.name).collect();
        eprintln!("auth-fuzz: unknown target(s) {unknown:?}; targets: {known:?}");
        return ExitCode::from(2);
    }
    let settings = Settings {
        duration: Duration::from_secs_f64(seconds),
        case_bound: bound,
        crash_dir,
        seed_dir: workspace.join("fuzz").join("seeds"),
        rng_seed,
    };
    eprintln!(
        "auth-fuzz: {seconds} s per target, seed {rng_seed}, case bound {bound:?}, crashes to {}",
        settings.crash_dir.display()
    );
    quiet_panics();
    let mut crashed = false;
    println!(
        "{:<10} {:>10} {:>8} {:>8} {:>11} {:>9} {:>8}",
        "target", "cases", "corpus", "outcomes", "slowest", "its bytes", "crashes"
    );
    for target in all
        .iter()
        .filter(|t| names.is_empty() || names.iter().any(|n| n == t.name))
    {
        let report = fuzz(target, &settings);
        println!(
            "{:<10} {:>10} {:>8} {:>8} {:>11.1?} {:>9} {:>8}",
            report.target,
            report.cases,
            report.corpus,
            report.signatures,
            report.slowest,
            report.slowest_input,
            report.crashes.len()
        );
        for (path, reason) in &report.crashes {
            crashed = true;
            let short: String = reason.chars().take(300).collect();
            println!("  crash: {short}\n         input: {}", path.display());
        }
    }
    if crashed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
