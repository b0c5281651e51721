//! The mutations: byte flips and replacements, inserts and deletes, repeats (thousands of
//! cookies, deep JSON), dictionary tokens, splices of two corpus inputs.

use crate::MAX_INPUT;

/// xorshift64*: fast, and repeatable from its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (zero is replaced).
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Bytes that often break parsers.
const INTERESTING: &[u8] = &[
    0, 1, 0x7f, 0x80, 0xff, b'%', b'=', b';', b',', b'"', b'\\', b'/', b'@', b'.', b':', b'?',
    b'#', b'&', b'<', b'>', b'\r', b'\n', b' ', b'\t', b'{', b'}', b'[', b']', b'0', b'9', b'-',
];

/// Strings that often break parsers, added to every target's dictionary.
const COMMON: &[&str] = &[
    "%00",
    "%ff",
    "%2F",
    "%5C",
    "\u{200b}",
    "\u{feff}",
    "\u{ff42}",
    "\u{fb01}",
    "\u{212a}",
    "ﬀ",
    "𝐀",
    "\u{0301}",
    "99999999999999999999",
    "-1",
    "null",
    "\"\"",
    "[]",
    "{}",
    "\\u0000",
    "\\ud800",
];

/// Mutates corpus inputs with a target's dictionary.
#[derive(Debug, Clone)]
pub struct Mutator {
    dictionary: Vec<&'static str>,
}

impl Mutator {
    /// A mutator that also inserts `dictionary`'s tokens.
    pub fn new(dictionary: &'static [&'static str]) -> Self {
        let mut all = dictionary.to_vec();
        all.extend_from_slice(COMMON);
        Self { dictionary: all }
    }

    /// A new input: a random corpus entry with one to eight mutations stacked.
    pub fn mutate(&self, corpus: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
        let mut input = corpus[rng.below(corpus.len())].clone();
        let rounds = 1 + rng.below(8);
        for _ in 0..rounds {
            self.once(&mut input, corpus, rng);
        }
        input.truncate(MAX_INPUT);
        input
    }

    fn once(&self, input: &mut Vec<u8>, corpus: &[Vec<u8>], rng: &mut Rng) {
        let len = input.len();
        match rng.below(11) {
            0 if len > 0 => {
                let at = rng.below(len);
                input[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                input[at] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => {
                let at = rng.below(len + 1);
                let byte = if rng.below(2) == 0 {
                    INTERESTING[rng.below(INTERESTING.len())]
                } else {
                    (rng.next_u64() & 0xff) as u8
                };
                input.insert(at, byte);
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(16));
                input.drain(at..at + n);
            }
            4 | 5 => {
                let token = self.dictionary[rng.below(self.dictionary.len())].as_bytes();
                let at = rng.below(len + 1);
                input.splice(at..at, token.iter().copied());
            }
            6 if len > 0 => {
                // A range repeated: many cookies, deep nesting, long values.
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(64));
                let piece = input[at..at + n].to_vec();
                let times = [2, 10, 100, 1000, 4000][rng.below(5)];
                let times = times.min(MAX_INPUT / n.max(1));
                let repeated: Vec<u8> = piece.iter().copied().cycle().take(n * times).collect();
                input.splice(at..at, repeated);
            }
            7 if len > 0 => {
                // A splice: a piece of another input.
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let n = 1 + rng.below((other.len() - from).min(256));
                    let at = rng.below(len + 1);
                    input.splice(at..at, other[from..from + n].iter().copied());
                }
            }
            8 if len > 0 => input.truncate(rng.below(len)),
            9 if len > 1 => {
                // Two bytes swapped.
                let (a, b) = (rng.below(len), rng.below(len));
                input.swap(a, b);
            }
            _ if len > 0 => {
                // A digit run replaced by a boundary number.
                let at = rng.below(len);
                let number = ["0", "63", "64", "65", "255", "4294967296", "00", "1e999"];
                let token = number[rng.below(number.len())].as_bytes();
                let end = (at + 1..len)
                    .find(|i| !input[*i].is_ascii_digit())
                    .unwrap_or(len);
                input.splice(at..end, token.iter().copied());
            }
            _ => input
                .extend_from_slice(self.dictionary[rng.below(self.dictionary.len())].as_bytes()),
        }
    }
}
