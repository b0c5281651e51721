//! A small mutational fuzzer for auth-core that runs on stable Rust (no sanitizer, no
//! libFuzzer): each [`Target`] starts from seeds (committed under `fuzz/seeds/<target>/` plus
//! real tokens and requests the target makes itself), mutates them with byte-level and
//! dictionary mutations, and keeps a mutated input in its corpus when it gives an outcome
//! signature not seen before (output-guided, not coverage-guided).
//!
//! A crash is a panic, a broken invariant the target checks (an HTTP 500 from the engine, a
//! redirect to a foreign host, a normaliser that is not idempotent, …), or a case slower than
//! the time bound. Crashing inputs are minimised and written to
//! `<crash dir>/<target>/<hash>.bin` with the reason beside them (`.txt`).

pub mod mutate;
pub mod targets;

use std::{
    collections::HashSet,
    fs,
    panic::{self, AssertUnwindSafe},
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use mutate::{Mutator, Rng};

/// The largest input a mutation may grow to.
pub const MAX_INPUT: usize = 64 * 1024;

/// What one case gave: a signature of its outcome (for keeping inputs that behave newly), or a
/// broken invariant.
pub type Outcome = Result<u64, String>;

/// One fuzz target.
pub struct Target {
    /// The name (`cargo xtask fuzz 10 <name>` runs only this one).
    pub name: &'static str,
    /// The seeds made in code (real tokens, requests with a real CSRF pair, …), added to the
    /// committed ones.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens the mutator inserts.
    pub dictionary: &'static [&'static str],
    /// Runs one input.
    pub run: fn(&[u8]) -> Outcome,
}

/// The result of fuzzing one target.
#[derive(Debug, Clone)]
pub struct Report {
    /// The target's name.
    pub target: &'static str,
    /// Cases run (seeds included).
    pub cases: u64,
    /// Inputs in the corpus at the end.
    pub corpus: usize,
    /// Distinct outcome signatures seen.
    pub signatures: usize,
    /// The slowest case.
    pub slowest: Duration,
    /// The length of the slowest case's input (kept as `slowest.bin` beside the crashes when
    /// it took over a quarter of the bound).
    pub slowest_input: usize,
    /// The crashes: minimised input's file and the reason.
    pub crashes: Vec<(PathBuf, String)>,
}

/// How a run is bounded.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time per target.
    pub duration: Duration,
    /// A case slower than this is a crash (a hang).
    pub case_bound: Duration,
    /// Where minimised crashing inputs go (`<dir>/<target>/`).
    pub crash_dir: PathBuf,
    /// The committed seeds (`<dir>/<target>/*`).
    pub seed_dir: PathBuf,
    /// The random seed (printed, so that a run can be repeated).
    pub rng_seed: u64,
}

/// The message of the last panic on this thread, kept by the hook [`quiet_panics`] installs.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Replaces the panic hook with one that records the message instead of printing it (the
/// fuzzer reports panics itself).
pub fn quiet_panics() {
    panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned());
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("panic: {payload}{location}"));
        }
    }));
}

/// Runs `target` once on `input`, turning a panic into an `Err`, and times it.
pub fn run_case(target: &Target, input: &[u8]) -> (Outcome, Duration) {
    let started = Instant::now();
    let result = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    let elapsed = started.elapsed();
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(_) => Err(LAST_PANIC
            .lock()
            .ok()
            .and_then(|mut m| m.take())
            .unwrap_or_else(|| "panic".to_owned())),
    };
    (outcome, elapsed)
}

/// The committed seeds of `target`: every file under `<seed_dir>/<target>/`.
pub fn committed_seeds(seed_dir: &Path, target: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = fs::read_dir(seed_dir.join(target))
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| fs::read(path).ok())
        .collect()
}

/// What counts as the same crash: a panic's location, a hang, or else the label before the
/// first `:` of a broken invariant (their messages carry the input).
fn crash_kind(reason: &str) -> String {
    if reason.starts_with("panic") {
        return reason.rsplit(" at ").next().unwrap_or(reason).to_owned();
    }
    reason.split(':').next().unwrap_or(reason).to_owned()
}

/// Shrinks `input` while the target still fails with the same kind of crash: removes ever
/// smaller ranges, then simplifies bytes.
pub fn minimise(target: &Target, input: &[u8], reason: &str, case_bound: Duration) -> Vec<u8> {
    let kind = crash_kind(reason);
    let still_fails = |candidate: &[u8]| {
        let (outcome, elapsed) = run_case(target, candidate);
        match outcome {
            Err(r) => crash_kind(&r) == kind,
            Ok(_) => reason.starts_with("slow") && elapsed > case_bound,
        }
    };
    let mut best = input.to_vec();
    let started = Instant::now();
    let mut chunk = best.len().max(1).next_power_of_two();
    while chunk >= 1 && started.elapsed() < Duration::from_secs(30) {
        let mut at = 0;
        let mut shrunk = false;
        while at < best.len() {
            let end = (at + chunk).min(best.len());
            let mut candidate = best[..at].to_vec();
            candidate.extend_from_slice(&best[end..]);
            if still_fails(&candidate) {
                best = candidate;
                shrunk = true;
            } else {
                at += chunk;
            }
        }
        if !shrunk {
            chunk /= 2;
        }
    }
    best
}

/// Fuzzes one target for `settings.duration`.
pub fn fuzz(target: &Target, settings: &Settings) -> Report {
    let mut rng = Rng::new(settings.rng_seed ^ fnv(target.name.as_bytes()));
    let mut corpus: Vec<Vec<u8>> = committed_seeds(&settings.seed_dir, target.name);
    corpus.extend((target.seeds)());
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let mutator = Mutator::new(target.dictionary);
    let mut signatures = HashSet::new();
    let mut crash_kinds = HashSet::new();
    let mut report = Report {
        target: target.name,
        cases: 0,
        corpus: 0,
        signatures: 0,
        slowest: Duration::ZERO,
        slowest_input: 0,
        crashes: Vec::new(),
    };
    // A watchdog for a case that never returns: after four bounds it saves the input and ends
    // the process (a hang cannot be unwound).
    let current: Arc<Mutex<Vec<u8>>> = Arc::default();
    let case_started = Arc::new(AtomicU64::new(0));
    let clock = Instant::now();
    let watchdog = {
        let (current, case_started) = (current.clone(), case_started.clone());
        let (dir, bound, name) = (
            settings.crash_dir.join(target.name),
            settings.case_bound * 4,
            target.name,
        );
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(250));
                let started = case_started.load(Ordering::Relaxed);
                if started == u64::MAX {
                    return;
                }
                let now = u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX);
                if started != 0 && now.saturating_sub(started) > bound.as_millis() as u64 {
                    let input = current.lock().map(|i| i.clone()).unwrap_or_default();
                    let path = save_crash(&dir, &input, &format!("hang: over {bound:?}"));
                    eprintln!(
                        "auth-fuzz: {name}: a case hangs (over {bound:?}); input saved to {}",
                        path.display()
                    );
                    std::process::exit(3);
                }
            }
        })
    };
    let deadline = Instant::now() + settings.duration;
    let seeds = corpus.len();
    let mut index = 0usize;
    loop {
        let input = if index < seeds {
            corpus[index].clone()
        } else if Instant::now() >= deadline {
            break;
        } else {
            mutator.mutate(&corpus, &mut rng)
        };
        index += 1;
        if let Ok(mut c) = current.lock() {
            c.clone_from(&input);
        }
        let now = u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX);
        case_started.store(now.max(1), Ordering::Relaxed);
        let (outcome, elapsed) = run_case(target, &input);
        case_started.store(0, Ordering::Relaxed);
        report.cases += 1;
        if elapsed > report.slowest {
            report.slowest = elapsed;
            report.slowest_input = input.len();
            if elapsed > settings.case_bound / 4 {
                save_input(&settings.crash_dir.join(target.name), "slowest.bin", &input);
            }
        }
        let outcome = match outcome {
            Ok(_) if elapsed > settings.case_bound => Err(format!(
                "slow: {elapsed:?}, over the bound of {:?}",
                settings.case_bound
            )),
            other => other,
        };
        match outcome {
            Ok(signature) => {
                if signatures.insert(signature) && index > seeds {
                    corpus.push(input);
                }
            }
            Err(reason) => {
                if crash_kinds.insert(crash_kind(&reason)) {
                    let small = minimise(target, &input, &reason, settings.case_bound);
                    let path = save_crash(&settings.crash_dir.join(target.name), &small, &reason);
                    report.crashes.push((path, reason));
                }
            }
        }
    }
    case_started.store(u64::MAX, Ordering::Relaxed);
    watchdog.join().ok();
    report.corpus = corpus.len();
    report.signatures = signatures.len();
    report
}

/// Writes a crashing input and its reason; returns the input's path.
fn save_crash(dir: &Path, input: &[u8], reason: &str) -> PathBuf {
    let path = dir.join(format!("{:016x}.bin", fnv(input)));
    if fs::create_dir_all(dir).is_ok() {
        fs::write(&path, input).ok();
        fs::write(path.with_extension("txt"), reason).ok();
    }
    path
}

/// Writes one input under `dir`.
fn save_input(dir: &Path, name: &str, input: &[u8]) {
    if fs::create_dir_all(dir).is_ok() {
        fs::write(dir.join(name), input).ok();
    }
}

/// FNV-1a, for file names and signatures.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
