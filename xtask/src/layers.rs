//! The layering check: auth-core's top-level modules must not import each other in a cycle.
//!
//! The modules are the `mod` declarations of `auth-core/src/lib.rs` that load a file (inline
//! `mod x {}` and `#[cfg(test)]` ones are not modules here). Every other `.rs` file under
//! `auth-core/src` belongs to the module named by its first path component
//! (`actions/callback/oauth.rs` → `actions`). A file depends on module `m` when it names
//! `crate::m…`: in a `use` (nested groups included, across lines) or in an expression or type
//! path. Names that lib.rs re-exports at the crate root (`pub use config::AuthConfig;`) stand for
//! the module they come from, so `use crate::{Result, SessionStrategy}` depends on `error` and
//! `config`. A `super::` chain that climbs out of the module to the crate root counts like
//! `crate::`; other `super::`/`self::` paths stay inside the module.
//!
//! Test code is left out: items under `#[cfg(test)]` (an inline `mod tests { … }`, or a
//! `mod tests;` together with the file it loads), files named `tests.rs`, and files under a
//! `tests/` directory. Comments (doc comments included), string and character literals never
//! make a dependency.
//!
//! The strongly connected components of the dependency graph (Tarjan) must all be single
//! modules. A larger one fails the check, printed as concrete cycles `a -> b -> a`, shortest
//! first, until every dependency inside the component is on a printed cycle, each dependency with
//! the `file:line`s that make it. When there is no cycle the check prints the layers: the leaves
//! (modules that use no other) first, then each module one layer above the highest module it uses.
//!
//! The reading is lexical (no macro expansion, no name resolution beyond the crate root), so it
//! fails loudly on what it cannot place: a `crate::NAME` that is neither a module, a root
//! re-export nor an item of lib.rs, a glob import from the crate root, or a glob re-export in
//! lib.rs.

use std::{
    collections::{BTreeMap, BTreeSet, VecDeque},
    fs,
    path::{Path, PathBuf},
    time::Instant,
};

/// How many `file:line`s are printed for one dependency before "+N more".
const SITES_SHOWN: usize = 3;

/// Runs the check on `<root>/auth-core/src`, echoing it like a `step`.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let src = root.join("auth-core").join("src");
    eprintln!("\n==> layers: top-level modules of {}", src.display());
    let started = Instant::now();
    let graph = analyze(&src)?;
    let result = match layers(&graph) {
        Ok(layers) => {
            print!("{}", render_layers(&graph, &layers));
            Ok(())
        }
        Err(components) => {
            print!("{}", render_cycles(&graph, &components, "auth-core/src/"));
            Err(format!(
                "layers: {} dependency cycle{} among auth-core's modules (see above)",
                components.len(),
                if components.len() == 1 { "" } else { "s" }
            ))
        }
    };
    eprintln!(
        "<== layers: {} in {:.1?}",
        if result.is_ok() { "ok" } else { "failed" },
        started.elapsed()
    );
    result
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// What the check needs to tell apart in Rust source.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// An identifier or keyword (`r#` of a raw identifier removed).
    Ident(String),
    /// A string literal's raw text between its quotes; numbers and characters are empty.
    Lit(String),
    /// `::`.
    PathSep,
    /// Any other character that is not whitespace.
    Punct(char),
}

/// A token and the line it starts on (1-based).
#[derive(Debug, Clone)]
struct Token {
    /// The token.
    tok: Tok,
    /// Its line in the file.
    line: usize,
}

/// Whether `c` can start an identifier.
fn ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

/// Whether `c` can continue an identifier.
fn ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Splits `src` into tokens, dropping whitespace, comments (doc comments too) and lifetimes.
fn lex(src: &str) -> Vec<Token> {
    let s: Vec<char> = src.chars().collect();
    let at = |i: usize| s.get(i).copied();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while let Some(c) = at(i) {
        let next = at(i + 1);
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while at(i).is_some_and(|c| c != '\n') {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            // Block comments nest.
            let mut depth = 0usize;
            while let Some(c) = at(i) {
                if c == '/' && at(i + 1) == Some('*') {
                    depth += 1;
                    i += 2;
                } else if c == '*' && at(i + 1) == Some('/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"' {
            let start = line;
            let (text, end) = string(&s, i + 1, None, &mut line);
            out.push(Token {
                tok: Tok::Lit(text),
                line: start,
            });
            i = end;
        } else if c == '\'' {
            i = char_or_lifetime(&s, i, &mut out, line);
        } else if ident_start(c) {
            let start = i;
            while at(i).is_some_and(ident_continue) {
                i += 1;
            }
            let word: String = s[start..i].iter().collect();
            let mut hashes = 0;
            while at(i + hashes) == Some('#') {
                hashes += 1;
            }
            match (word.as_str(), at(i + hashes)) {
                ("r" | "br" | "cr", Some('"')) => {
                    let first = line;
                    let (text, end) = string(&s, i + hashes + 1, Some(hashes), &mut line);
                    out.push(Token {
                        tok: Tok::Lit(text),
                        line: first,
                    });
                    i = end;
                }
                ("b" | "c", Some('"')) if hashes == 0 => {
                    let first = line;
                    let (text, end) = string(&s, i + 1, None, &mut line);
                    out.push(Token {
                        tok: Tok::Lit(text),
                        line: first,
                    });
                    i = end;
                }
                ("b", Some('\'')) if hashes == 0 => {
                    i = char_or_lifetime(&s, i, &mut out, line);
                }
                ("r", Some(c)) if hashes == 1 && ident_start(c) => {
                    let start = i + 1;
                    i = start;
                    while at(i).is_some_and(ident_continue) {
                        i += 1;
                    }
                    out.push(Token {
                        tok: Tok::Ident(s[start..i].iter().collect()),
                        line,
                    });
                }
                _ => out.push(Token {
                    tok: Tok::Ident(word),
                    line,
                }),
            }
        } else if c.is_ascii_digit() {
            while at(i).is_some_and(ident_continue) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Lit(String::new()),
                line,
            });
        } else if c == ':' && next == Some(':') {
            out.push(Token {
                tok: Tok::PathSep,
                line,
            });
            i += 2;
        } else {
            out.push(Token {
                tok: Tok::Punct(c),
                line,
            });
            i += 1;
        }
    }
    out
}

/// Reads a string body from `i` (after the opening quote) up to the closing quote, followed by
/// `raw` `#` for a raw string (which has no escapes); returns the text and the index after it.
fn string(s: &[char], mut i: usize, raw: Option<usize>, line: &mut usize) -> (String, usize) {
    let hashes = raw.unwrap_or(0);
    let start = i;
    while let Some(&c) = s.get(i) {
        if c == '\n' {
            *line += 1;
        }
        if c == '\\' && raw.is_none() {
            if s.get(i + 1) == Some(&'\n') {
                *line += 1;
            }
            i += 2;
            continue;
        }
        if c == '"' && (0..hashes).all(|k| s.get(i + 1 + k) == Some(&'#')) {
            return (s[start..i].iter().collect(), i + 1 + hashes);
        }
        i += 1;
    }
    (s[start.min(s.len())..].iter().collect(), s.len())
}

/// At a `'`: skips a character literal (pushing an empty literal) or a lifetime or label
/// (pushing nothing); returns the index after it.
fn char_or_lifetime(s: &[char], mut i: usize, out: &mut Vec<Token>, line: usize) -> usize {
    let literal = Token {
        tok: Tok::Lit(String::new()),
        line,
    };
    if s.get(i + 1) == Some(&'\\') {
        // '\n', '\'', '\u{1F600}': the closing quote comes after the escaped character.
        let mut j = i + 3;
        while s.get(j).is_some_and(|&c| c != '\'' && c != '\n') {
            j += 1;
        }
        out.push(literal);
        return j + 1;
    }
    if s.get(i + 2) == Some(&'\'') {
        out.push(literal);
        return i + 3;
    }
    i += 1;
    while s.get(i).is_some_and(|&c| ident_continue(c)) {
        i += 1;
    }
    i
}

/// Whether token `i` is the punctuation `c`.
fn is_punct(t: &[Token], i: usize, c: char) -> bool {
    t.get(i).is_some_and(|t| t.tok == Tok::Punct(c))
}

/// Whether token `i` is the identifier or keyword `word`.
fn is_ident(t: &[Token], i: usize, word: &str) -> bool {
    matches!(t.get(i).map(|t| &t.tok), Some(Tok::Ident(w)) if w == word)
}

/// Whether token `i` is `::`.
fn is_sep(t: &[Token], i: usize) -> bool {
    t.get(i).is_some_and(|t| t.tok == Tok::PathSep)
}

/// The identifier at `i`, if it is one.
fn ident(t: &[Token], i: usize) -> Option<&str> {
    match t.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(w)) => Some(w),
        _ => None,
    }
}

/// The index of the bracket closing the one opened at `open` (all three kinds counted together),
/// or `t.len()` when it is not closed.
fn matching(t: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (j, token) in t.iter().enumerate().skip(open) {
        match token.tok {
            Tok::Punct('{' | '(' | '[') => depth += 1,
            Tok::Punct('}' | ')' | ']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    t.len()
}

// ---------------------------------------------------------------------------------------------
// Test code

/// A `mod NAME;` declared under `#[cfg(test)]`, with its `#[path]` if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TestMod {
    /// The module's name.
    name: String,
    /// The `#[path = "…"]` attribute's value.
    path: Option<String>,
}

/// A file's tokens with its test-only code removed.
#[derive(Debug, Default)]
struct Stripped {
    /// The tokens that remain.
    tokens: Vec<Token>,
    /// The `mod NAME;` declarations that were removed (their files are test code too).
    test_mods: Vec<TestMod>,
}

/// An attribute `#[…]` or `#![…]` at `i`: whether it is inner, the range of its body (inside
/// the brackets), and the index after it.
fn attribute(t: &[Token], i: usize) -> Option<(bool, std::ops::Range<usize>, usize)> {
    if !is_punct(t, i, '#') {
        return None;
    }
    let inner = is_punct(t, i + 1, '!');
    let open = if inner { i + 2 } else { i + 1 };
    if !is_punct(t, open, '[') {
        return None;
    }
    let close = matching(t, open);
    Some((inner, open + 1..close, (close + 1).min(t.len())))
}

/// Whether the attribute body `body` is `cfg(P)` with a `P` that holds only in test builds.
fn cfg_test(body: &[Token]) -> bool {
    if !is_ident(body, 0, "cfg") || !is_punct(body, 1, '(') {
        return false;
    }
    let mut i = 2;
    only_in_tests(body, &mut i)
}

/// Reads one cfg predicate at `*i` and says whether it implies `test`.
fn only_in_tests(t: &[Token], i: &mut usize) -> bool {
    let Some(name) = ident(t, *i) else {
        *i += 1;
        return false;
    };
    *i += 1;
    if is_punct(t, *i, '=') {
        *i += 2;
        return false;
    }
    if !is_punct(t, *i, '(') {
        return name == "test";
    }
    *i += 1;
    let mut args = Vec::new();
    while *i < t.len() && !is_punct(t, *i, ')') {
        if is_punct(t, *i, ',') {
            *i += 1;
        } else {
            args.push(only_in_tests(t, i));
        }
    }
    *i += 1;
    match name {
        "all" => args.iter().any(|&a| a),
        "any" => !args.is_empty() && args.iter().all(|&a| a),
        _ => false,
    }
}

/// The index after the item starting at `start`: its `;` or the `}` closing its body, whichever
/// comes first outside brackets; stops before a `}` that closes the enclosing block.
fn item_end(t: &[Token], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, token) in t.iter().enumerate().skip(start) {
        match token.tok {
            Tok::Punct('{' | '(' | '[') => depth += 1,
            Tok::Punct(c @ ('}' | ')' | ']')) => {
                if depth == 0 {
                    return j;
                }
                depth -= 1;
                if depth == 0 && c == '}' {
                    return j + 1;
                }
            }
            Tok::Punct(';') if depth == 0 => return j + 1,
            _ => {}
        }
    }
    t.len()
}

/// The index of the `}` that closes the block containing `from`.
fn block_end(t: &[Token], from: usize) -> usize {
    let mut depth = 0usize;
    for (j, token) in t.iter().enumerate().skip(from) {
        match token.tok {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if depth == 0 {
                    return j;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    t.len()
}

/// `[pub[(…)]] mod NAME;` → `NAME`.
fn mod_declaration(item: &[Token]) -> Option<String> {
    let mut i = 0;
    if is_ident(item, i, "pub") {
        i += 1;
        if is_punct(item, i, '(') {
            i = matching(item, i) + 1;
        }
    }
    if !is_ident(item, i, "mod") || !is_punct(item, i + 2, ';') {
        return None;
    }
    ident(item, i + 1).map(str::to_owned)
}

/// Removes what is compiled only for tests: items under an outer `#[cfg(test)]`, and the rest of
/// the file or block after an inner `#![cfg(test)]`.
fn strip_tests(t: &[Token]) -> Stripped {
    let mut out = Stripped::default();
    let mut i = 0;
    while i < t.len() {
        if attribute(t, i).is_some() {
            // An item's attributes, taken together: `#[cfg(test)]` may come after `#[path]`.
            let mut end = i;
            let mut inner_test = false;
            let mut outer_test = false;
            let mut path = None;
            while let Some((inner, body, after)) = attribute(t, end) {
                let body = &t[body];
                if cfg_test(body) {
                    if inner {
                        inner_test = true;
                    } else {
                        outer_test = true;
                    }
                }
                if is_ident(body, 0, "path")
                    && is_punct(body, 1, '=')
                    && let Some(Tok::Lit(p)) = body.get(2).map(|t| &t.tok)
                {
                    path = Some(p.clone());
                }
                end = after;
            }
            if inner_test {
                i = block_end(t, end);
                continue;
            }
            if outer_test {
                let after = item_end(t, end);
                if let Some(name) = mod_declaration(&t[end..after]) {
                    out.test_mods.push(TestMod { name, path });
                }
                i = after;
                continue;
            }
            out.tokens.extend_from_slice(&t[i..end]);
            i = end;
            continue;
        }
        out.tokens.push(t[i].clone());
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Paths

/// One path of a `use` tree (or the start of an expression path), each segment with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UseLeaf {
    /// The segments, without a leading `::`; a glob ends in `*`.
    path: Vec<(String, usize)>,
    /// The `as` name, if any.
    alias: Option<String>,
}

/// Reads a use tree (or a path) at `i` below `prefix`, appending its leaves to `out`; returns the
/// index after it. A path cut short by something else (`(`, `<`, `;`) is a leaf as it stands.
fn use_tree(
    t: &[Token],
    mut i: usize,
    mut prefix: Vec<(String, usize)>,
    out: &mut Vec<UseLeaf>,
) -> usize {
    while let Some(token) = t.get(i) {
        match &token.tok {
            Tok::PathSep => i += 1,
            Tok::Ident(name) => {
                prefix.push((name.clone(), token.line));
                i += 1;
                if is_sep(t, i) {
                    i += 1;
                    continue;
                }
                let alias = if is_ident(t, i, "as") {
                    i += 2;
                    ident(t, i - 1).map(str::to_owned)
                } else {
                    None
                };
                out.push(UseLeaf {
                    path: prefix,
                    alias,
                });
                return i;
            }
            Tok::Punct('*') => {
                prefix.push(("*".to_owned(), token.line));
                out.push(UseLeaf {
                    path: prefix,
                    alias: None,
                });
                return i + 1;
            }
            Tok::Punct('{') => {
                i += 1;
                while let Some(token) = t.get(i) {
                    match token.tok {
                        Tok::Punct('}') => return i + 1,
                        Tok::Punct(',') => i += 1,
                        _ => {
                            let after = use_tree(t, i, prefix.clone(), out);
                            i = if after == i { i + 1 } else { after };
                        }
                    }
                }
                return i;
            }
            _ => break,
        }
    }
    if !prefix.is_empty() {
        out.push(UseLeaf {
            path: prefix,
            alias: None,
        });
    }
    i
}

/// What one (non-root) file says about other modules.
#[derive(Debug, Default, PartialEq, Eq)]
struct FileRefs {
    /// Each name right after the crate root (`crate::NAME`, `crate::{NAME, …}`, or an escaping
    /// `super::…::NAME`) with its line; `*` for a glob.
    names: Vec<(String, usize)>,
    /// Macros it exports to the crate root (`#[macro_export] macro_rules! NAME`).
    macro_exports: Vec<String>,
}

/// Finds the crate-root paths in a test-stripped file whose module path (`actions/callback/
/// oauth.rs` → 3 segments) is `depth` long.
fn file_refs(t: &[Token], depth: usize) -> FileRefs {
    let mut refs = FileRefs::default();
    let mut brace = 0usize;
    // Brace depths inside the inline modules (`mod x { … }`) around the current token.
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(token) = t.get(i) {
        match &token.tok {
            Tok::Punct('{') => {
                brace += 1;
                if i >= 2 && is_ident(t, i - 2, "mod") && ident(t, i - 1).is_some() {
                    inline_mods.push(brace);
                }
            }
            Tok::Punct('}') => {
                if inline_mods.last() == Some(&brace) {
                    inline_mods.pop();
                }
                brace = brace.saturating_sub(1);
            }
            Tok::Ident(word) if word == "crate" && is_sep(t, i + 1) => {
                let after_macro_var = i > 0 && is_punct(t, i - 1, '$');
                if !after_macro_var {
                    root_names(t, i + 2, &mut refs.names);
                }
            }
            Tok::Ident(word)
                if (word == "super" || word == "self") && !(i > 0 && is_sep(t, i - 1)) =>
            {
                let mut j = i;
                if word == "self" && is_sep(t, i + 1) {
                    j += 2;
                }
                let mut supers = 0;
                while is_ident(t, j, "super") && is_sep(t, j + 1) {
                    supers += 1;
                    j += 2;
                }
                if supers > 0 && supers >= depth + inline_mods.len() {
                    root_names(t, j, &mut refs.names);
                }
                i = j.max(i + 1);
                continue;
            }
            Tok::Ident(word) if word == "macro_rules" && is_punct(t, i + 1, '!') => {
                if let Some(name) = ident(t, i + 2)
                    && macro_exported(t, i)
                {
                    refs.macro_exports.push(name.to_owned());
                }
            }
            _ => {}
        }
        i += 1;
    }
    refs
}

/// Appends the first segment of each path of the tree at `i` (just after `crate::`) to `names`.
fn root_names(t: &[Token], i: usize, names: &mut Vec<(String, usize)>) {
    let mut leaves = Vec::new();
    use_tree(t, i, Vec::new(), &mut leaves);
    let start = names.len();
    for leaf in leaves {
        // `crate::c::{d, e}` names `c` once.
        if let Some(first) = leaf.path.into_iter().next()
            && first.0 != "self"
            && !names[start..].contains(&first)
        {
            names.push(first);
        }
    }
}

/// Whether the attributes right before token `i` include `#[macro_export]`.
fn macro_exported(t: &[Token], i: usize) -> bool {
    let mut end = i;
    while end > 0 && is_punct(t, end - 1, ']') {
        // Walk back to the `[` that opens this attribute.
        let mut depth = 0usize;
        let mut open = None;
        for j in (0..end).rev() {
            match t[j].tok {
                Tok::Punct(']' | ')' | '}') => depth += 1,
                Tok::Punct('[' | '(' | '{') => {
                    depth -= 1;
                    if depth == 0 {
                        open = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(open) = open else {
            return false;
        };
        if is_ident(t, open + 1, "macro_export") {
            return true;
        }
        let hash = if open >= 2 && is_punct(t, open - 1, '!') {
            open - 2
        } else {
            open.saturating_sub(1)
        };
        if !is_punct(t, hash, '#') {
            return false;
        }
        end = hash;
    }
    false
}

// ---------------------------------------------------------------------------------------------
// The crate root

/// What lib.rs declares.
#[derive(Debug, Default, PartialEq, Eq)]
struct Root {
    /// The top-level modules that load a file, in declaration order.
    modules: Vec<String>,
    /// Every other name at the crate root: the module a re-export comes from, or `None` for an
    /// item of lib.rs itself or a re-export from outside the crate.
    names: BTreeMap<String, Option<String>>,
}

/// Reads lib.rs (already test-stripped): its `mod` declarations, `use`s and items.
fn root(t: &[Token]) -> Result<Root, String> {
    let mut root = Root::default();
    let mut uses = Vec::new();
    let mut brace = 0usize;
    let mut i = 0;
    while let Some(token) = t.get(i) {
        match &token.tok {
            Tok::Punct('{') => brace += 1,
            Tok::Punct('}') => brace = brace.saturating_sub(1),
            Tok::Ident(word) if brace == 0 => match word.as_str() {
                "mod" => {
                    if let Some(name) = ident(t, i + 1) {
                        if is_punct(t, i + 2, ';') {
                            root.modules.push(name.to_owned());
                        } else {
                            root.names.insert(name.to_owned(), None);
                        }
                    }
                }
                "use" => {
                    i = use_tree(t, i + 1, Vec::new(), &mut uses);
                    continue;
                }
                "fn" | "struct" | "enum" | "union" | "trait" | "type" | "const" | "static" => {
                    if let Some(name) = ident(t, i + 1) {
                        root.names.insert(name.to_owned(), None);
                    }
                }
                "crate" if i > 0 && is_ident(t, i - 1, "extern") => {
                    let name = if is_ident(t, i + 2, "as") {
                        ident(t, i + 3)
                    } else {
                        ident(t, i + 1)
                    };
                    if let Some(name) = name {
                        root.names.insert(name.to_owned(), None);
                    }
                }
                "macro_rules" if is_punct(t, i + 1, '!') => {
                    if let Some(name) = ident(t, i + 2) {
                        root.names.insert(name.to_owned(), None);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
    for leaf in uses {
        let mut path: Vec<(String, usize)> = leaf.path;
        if path
            .first()
            .is_some_and(|(s, _)| s == "crate" || s == "self")
        {
            path.remove(0);
        }
        let (Some((first, _)), Some((last, line))) = (path.first(), path.last()) else {
            continue;
        };
        let module = root.modules.contains(first).then(|| first.clone());
        if last == "*" {
            if module.is_some() {
                return Err(format!(
                    "layers: lib.rs:{line}: `pub use {first}::…::*` hides which names come from \
                     `{first}`; re-export them by name"
                ));
            }
            continue;
        }
        let name = match (&leaf.alias, last.as_str()) {
            (Some(alias), _) => alias.clone(),
            (None, "self") if path.len() >= 2 => path[path.len() - 2].0.clone(),
            (None, _) => last.clone(),
        };
        if name == "_" || (path.len() == 1 && module.is_some()) {
            continue;
        }
        root.names.insert(name, module);
    }
    Ok(root)
}

// ---------------------------------------------------------------------------------------------
// The graph

/// Where a dependency is made.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Site {
    /// The file, relative to the source directory, with `/` separators.
    file: String,
    /// The line of the module's (or re-exported name's) segment.
    line: usize,
}

/// The dependencies between the top-level modules.
#[derive(Debug, Default)]
struct Graph {
    /// The modules, in lib.rs's order.
    modules: Vec<String>,
    /// `(from, to)` → where `from` names `to`, in file and line order.
    edges: BTreeMap<(String, String), Vec<Site>>,
}

/// Every `.rs` file under `dir`, relative to `base`, sorted.
fn rust_files(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        fs::read_dir(dir).map_err(|e| format!("layers: cannot list {}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("layers: cannot list {}: {e}", dir.display()))?;
        paths.push(entry.path());
    }
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rust_files(base, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs")
            && let Ok(relative) = path.strip_prefix(base)
        {
            out.push(relative.to_path_buf());
        }
    }
    Ok(())
}

/// `a/b/c.rs` → `["a", "b", "c.rs"]`.
fn components(path: &Path) -> Vec<String> {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect()
}

/// The files (relative paths) and directories (prefixes) of the test-only `mod`s of `file`.
fn test_mod_paths(file: &Path, test_mod: &TestMod) -> (PathBuf, PathBuf) {
    let dir = file.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(path) = &test_mod.path {
        let target = dir.join(path);
        let children = if target.file_name().is_some_and(|n| n == "mod.rs") {
            target.parent().map_or_else(PathBuf::new, Path::to_path_buf)
        } else {
            target.with_extension("")
        };
        return (target, children);
    }
    let base = if matches!(name.as_str(), "mod.rs" | "lib.rs" | "main.rs") {
        dir
    } else {
        dir.join(file.file_stem().unwrap_or_default())
    };
    (
        base.join(format!("{}.rs", test_mod.name)),
        base.join(&test_mod.name),
    )
}

/// Reads the crate at `src` (its lib.rs and every file below) into the module graph.
fn analyze(src: &Path) -> Result<Graph, String> {
    let read = |relative: &Path| {
        let path = src.join(relative);
        fs::read_to_string(&path)
            .map_err(|e| format!("layers: cannot read {}: {e}", path.display()))
    };
    let lib = strip_tests(&lex(&read(Path::new("lib.rs"))?));
    let mut root = root(&lib.tokens)?;
    let mut files = Vec::new();
    rust_files(src, src, &mut files)?;

    // First pass: every file's test-stripped tokens and its test-only `mod`s.
    let mut stripped = Vec::new();
    let mut excluded_files = BTreeSet::new();
    let mut excluded_dirs = Vec::new();
    for file in files {
        let parts = components(&file);
        if parts == ["lib.rs"] {
            continue;
        }
        let module = parts
            .first()
            .map(|p| p.strip_suffix(".rs").unwrap_or(p).to_owned());
        let Some(module) = module.filter(|m| root.modules.contains(m)) else {
            continue;
        };
        let is_test = parts.last().is_some_and(|p| p == "tests.rs")
            || parts[..parts.len().saturating_sub(1)]
                .iter()
                .any(|p| p == "tests");
        if is_test {
            continue;
        }
        let tokens = strip_tests(&lex(&read(&file)?));
        for test_mod in &tokens.test_mods {
            let (test_file, test_dir) = test_mod_paths(&file, test_mod);
            excluded_files.insert(test_file);
            excluded_dirs.push(test_dir);
        }
        stripped.push((file, module, tokens.tokens));
    }

    // Second pass: the crate-root paths of the files that are not test code.
    let mut per_file = Vec::new();
    for (file, module, tokens) in stripped {
        if excluded_files.contains(&file) || excluded_dirs.iter().any(|d| file.starts_with(d)) {
            continue;
        }
        let parts = components(&file);
        let depth = parts.len() - usize::from(parts.last().is_some_and(|p| p == "mod.rs"));
        let refs = file_refs(&tokens, depth);
        for name in &refs.macro_exports {
            root.names.insert(name.clone(), Some(module.clone()));
        }
        per_file.push((parts.join("/"), module, refs.names));
    }

    let mut graph = Graph {
        modules: root.modules.clone(),
        edges: BTreeMap::new(),
    };
    let mut unresolved = Vec::new();
    for (file, module, names) in per_file {
        for (name, line) in names {
            let target = if root.modules.contains(&name) {
                Some(name.clone())
            } else if let Some(target) = root.names.get(&name) {
                target.clone()
            } else {
                unresolved.push(if name == "*" {
                    format!(
                        "  {file}:{line}: a glob import from the crate root (`crate::*`) hides \
                         its dependencies; import the names"
                    )
                } else {
                    format!(
                        "  {file}:{line}: `crate::{name}` is not a module, a re-export or an \
                         item of lib.rs"
                    )
                });
                None
            };
            if let Some(target) = target.filter(|t| *t != module) {
                graph
                    .edges
                    .entry((module.clone(), target))
                    .or_default()
                    .push(Site {
                        file: file.clone(),
                        line,
                    });
            }
        }
    }
    if !unresolved.is_empty() {
        return Err(format!(
            "layers: cannot place {} path{} in {}:\n{}",
            unresolved.len(),
            if unresolved.len() == 1 { "" } else { "s" },
            src.display(),
            unresolved.join("\n")
        ));
    }
    for sites in graph.edges.values_mut() {
        sites.sort();
        sites.dedup();
    }
    Ok(graph)
}

// ---------------------------------------------------------------------------------------------
// Cycles and layers

/// Tarjan's algorithm: the strongly connected components of `graph`, each sorted, in the order
/// they complete (a component before those that use it).
fn components_of(graph: &Graph) -> Vec<Vec<String>> {
    /// The algorithm's state.
    struct Tarjan<'a> {
        /// Successors of each node, by index.
        adjacency: Vec<Vec<usize>>,
        /// The node names.
        names: &'a [String],
        /// Discovery index per node.
        index: Vec<Option<usize>>,
        /// Lowest index reachable per node.
        low: Vec<usize>,
        /// Whether the node is on the stack.
        on_stack: Vec<bool>,
        /// The stack.
        stack: Vec<usize>,
        /// The next discovery index.
        next: usize,
        /// The finished components.
        out: Vec<Vec<String>>,
    }
    impl Tarjan<'_> {
        /// Visits `v` and everything it reaches.
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            let successors = self.adjacency[v].clone();
            for w in successors {
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(index) if self.on_stack[w] => self.low[v] = self.low[v].min(index),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(self.names[w].clone());
                    if w == v {
                        break;
                    }
                }
                component.sort();
                self.out.push(component);
            }
        }
    }
    let position = |name: &str| graph.modules.iter().position(|m| m == name);
    let mut adjacency = vec![Vec::new(); graph.modules.len()];
    for (from, to) in graph.edges.keys() {
        if let (Some(f), Some(t)) = (position(from), position(to)) {
            adjacency[f].push(t);
        }
    }
    let n = graph.modules.len();
    let mut tarjan = Tarjan {
        adjacency,
        names: &graph.modules,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if tarjan.index[v].is_none() {
            tarjan.visit(v);
        }
    }
    tarjan.out
}

/// The layers (leaves first, each sorted) when the graph has no cycle, or else its components of
/// more than one module.
fn layers(graph: &Graph) -> Result<Vec<Vec<String>>, Vec<Vec<String>>> {
    let components = components_of(graph);
    let cycles: Vec<Vec<String>> = components.iter().filter(|c| c.len() > 1).cloned().collect();
    if !cycles.is_empty() {
        return Err(cycles);
    }
    // Components come out dependencies first, so every module's uses already have a depth.
    let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
    for component in &components {
        for module in component {
            let d = graph
                .edges
                .keys()
                .filter(|(from, _)| from == module)
                .map(|(_, to)| depth.get(to.as_str()).map_or(0, |d| d + 1))
                .max()
                .unwrap_or(0);
            depth.insert(module, d);
        }
    }
    let mut layers: Vec<Vec<String>> = Vec::new();
    for (module, d) in depth {
        if layers.len() <= d {
            layers.resize(d + 1, Vec::new());
        }
        layers[d].push(module.to_owned());
    }
    Ok(layers)
}

/// The layers report: one line per layer, leaves first.
fn render_layers(graph: &Graph, layers: &[Vec<String>]) -> String {
    let mut out = format!(
        "layers: {} modules, {} dependencies, no cycle; leaves first:\n",
        graph.modules.len(),
        graph.edges.len()
    );
    for (depth, modules) in layers.iter().enumerate() {
        out.push_str(&format!("  {depth}: {}\n", modules.join(" ")));
    }
    out
}

/// The shortest path `from` → … → `to` that stays inside `members`.
fn shortest_path(
    graph: &Graph,
    members: &BTreeSet<&str>,
    from: &str,
    to: &str,
) -> Option<Vec<String>> {
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(node) = queue.pop_front() {
        if node == to {
            let mut path = vec![to.to_owned()];
            let mut at = to;
            while let Some(&p) = previous.get(at) {
                path.push(p.to_owned());
                at = p;
            }
            path.reverse();
            return Some(path);
        }
        for (f, t) in graph.edges.keys() {
            if f == node && members.contains(t.as_str()) && seen.insert(t.as_str()) {
                previous.insert(t.as_str(), node);
                queue.push_back(t.as_str());
            }
        }
    }
    None
}

/// The cycle report: per component, shortest cycles first until each of its dependencies is on
/// one, every dependency with where it is made (file paths after `prefix`).
fn render_cycles(graph: &Graph, components: &[Vec<String>], prefix: &str) -> String {
    let mut out = String::new();
    for component in components {
        let members: BTreeSet<&str> = component.iter().map(String::as_str).collect();
        let inside: Vec<&(String, String)> = graph
            .edges
            .keys()
            .filter(|(f, t)| members.contains(f.as_str()) && members.contains(t.as_str()))
            .collect();
        out.push_str(&format!(
            "layers: cycle among {} modules ({} dependencies between them): {}\n",
            component.len(),
            inside.len(),
            component.join(" ")
        ));
        let mut covered: BTreeSet<&(String, String)> = BTreeSet::new();
        loop {
            // The shortest cycle through a dependency no printed cycle contains yet.
            let best = inside
                .iter()
                .filter(|e| !covered.contains(*e))
                .filter_map(|(f, t)| {
                    let back = shortest_path(graph, &members, t, f)?;
                    let mut cycle = vec![f.clone()];
                    cycle.extend(back);
                    Some(cycle)
                })
                .min_by_key(Vec::len);
            let Some(cycle) = best else {
                break;
            };
            out.push_str(&format!("  {}\n", cycle.join(" -> ")));
            for pair in cycle.windows(2) {
                let Some((edge, sites)) = graph
                    .edges
                    .get_key_value(&(pair[0].clone(), pair[1].clone()))
                else {
                    continue;
                };
                covered.insert(edge);
                let shown: Vec<String> = sites
                    .iter()
                    .take(SITES_SHOWN)
                    .map(|s| format!("{prefix}{}:{}", s.file, s.line))
                    .collect();
                let more = sites.len().saturating_sub(SITES_SHOWN);
                out.push_str(&format!(
                    "      {} -> {}: {}{}\n",
                    pair[0],
                    pair[1],
                    shown.join(", "),
                    if more > 0 {
                        format!(" (+{more} more)")
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crate-root names a non-root file at depth 1 names, with their lines.
    fn names(src: &str) -> Vec<(String, usize)> {
        file_refs(&strip_tests(&lex(src)).tokens, 1).names
    }

    /// `names` without the lines.
    fn bare(src: &str) -> Vec<String> {
        names(src).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn nested_multi_line_groups() {
        let src = "\
            use crate::{\n\
                a::b,\n\
                c::{d, e::{f, g}},\n\
                F,\n\
                self,\n\
            };\n\
            use crate::h::{i, j};\n";
        assert_eq!(
            names(src),
            [
                ("a".into(), 2),
                ("c".into(), 3),
                ("F".into(), 4),
                ("h".into(), 7)
            ]
        );
    }

    #[test]
    fn expression_and_type_paths() {
        let src = "fn f(x: &crate::oauth::metadata::Metadata) -> crate::Result<()> {\n\
                   let id = crate::random::uuid_v4();\n\
                   crate::g::<u8>::h();\n\
                   $crate::m::n!();\n\
                   pub(crate) fn k() {}\n\
                   extern crate alloc;\n}";
        assert_eq!(bare(src), ["oauth", "Result", "random", "g"]);
    }

    #[test]
    fn comments_strings_and_chars_are_not_paths() {
        let src = r####"
            // use crate::a;
            /// [`X`](crate::b::X)
            //! crate::c
            /* crate::d /* nested */ crate::e */
            /** crate::f */
            let s = "crate::g \" crate::h";
            let r = r##"crate::i "# crate::j"##;
            let b = b"crate::k";
            let c = '"'; let q = '\''; let l: &'static str = "";
            fn f<'a>(x: &'a str) -> char { 'x' }
            use crate::real;
        "####;
        assert_eq!(bare(src), ["real"]);
    }

    #[test]
    fn test_code_is_skipped() {
        let src = "\
            #[cfg(test)]\n\
            mod tests {\n\
                use crate::a;\n\
                fn f() { let s = \"}\"; if true { crate::b::c(); } }\n\
            }\n\
            #[cfg(test)]\n\
            mod more;\n\
            #[cfg(test)]\n\
            #[path = \"other.rs\"]\n\
            mod elsewhere;\n\
            #[cfg(all(test, feature = \"x\"))]\n\
            use crate::d;\n\
            #[cfg(any(test, feature = \"testing\"))]\n\
            use crate::e;\n\
            #[cfg(not(test))]\n\
            use crate::f;\n\
            #[cfg(test)]\n\
            fn helper() -> crate::g::G { todo() }\n\
            use crate::h;\n";
        let stripped = strip_tests(&lex(src));
        assert_eq!(
            stripped.test_mods,
            [
                TestMod {
                    name: "more".into(),
                    path: None
                },
                TestMod {
                    name: "elsewhere".into(),
                    path: Some("other.rs".into())
                },
            ]
        );
        assert_eq!(bare(src), ["e", "f", "h"]);
        // An inner `#![cfg(test)]` makes the whole file test code.
        assert!(bare("#![cfg(test)]\nuse crate::a;\n").is_empty());
    }

    #[test]
    fn super_paths_count_only_when_they_leave_the_module() {
        let src = "\
            use super::x;\n\
            use super::super::y;\n\
            mod inner { use super::super::z; }\n\
            fn f() { self::super::super::w(); }";
        let tokens = strip_tests(&lex(src)).tokens;
        let at = |depth| {
            file_refs(&tokens, depth)
                .names
                .into_iter()
                .map(|(n, _)| n)
                .collect::<Vec<_>>()
        };
        // In `a/b.rs` (depth 2) `super::super` reaches the root; in `inner` it takes three.
        assert_eq!(at(2), ["y", "w"]);
        assert_eq!(at(1), ["x", "y", "z", "w"]);
        assert!(at(3).is_empty());
    }

    #[test]
    fn root_modules_and_reexports() -> Result<(), String> {
        let src = "\
            //! Docs with crate::nothing.\n\
            mod a;\n\
            pub mod b;\n\
            pub(crate) mod c;\n\
            #[cfg(test)]\n\
            mod t;\n\
            pub mod docs {}\n\
            pub use a::{X, y::{Z as W, V}};\n\
            pub use b::Q;\n\
            pub use self::c::{self as cc};\n\
            pub use http;\n\
            use std::fmt;\n\
            pub fn helper() {}\n\
            #[macro_export]\n\
            macro_rules! m { () => {} }\n";
        let root = root(&strip_tests(&lex(src)).tokens)?;
        assert_eq!(root.modules, ["a", "b", "c"]);
        let expected: BTreeMap<String, Option<String>> = [
            ("X", Some("a")),
            ("W", Some("a")),
            ("V", Some("a")),
            ("Q", Some("b")),
            ("cc", Some("c")),
            ("docs", None),
            ("http", None),
            ("fmt", None),
            ("helper", None),
            ("m", None),
        ]
        .into_iter()
        .map(|(n, m)| (n.to_owned(), m.map(str::to_owned)))
        .collect();
        assert_eq!(root.names, expected);
        assert!(root_glob_error());
        Ok(())
    }

    /// A glob re-export of a module at the root is refused.
    fn root_glob_error() -> bool {
        root(&lex("mod a;\npub use a::*;\n")).is_err_and(|e| e.contains("lib.rs:2"))
    }

    #[test]
    fn macro_exports_are_root_names() {
        let src = "\
            #[macro_export]\n\
            #[doc(hidden)]\n\
            macro_rules! shout { () => {} }\n\
            macro_rules! quiet { () => {} }";
        assert_eq!(file_refs(&lex(src), 1).macro_exports, ["shout"]);
    }

    /// A throw-away source tree: `files` as (relative path, content); removed when dropped.
    struct Tree(PathBuf);

    impl Tree {
        /// Writes the files under a fresh directory named after `name`.
        fn new(name: &str, files: &[(&str, &str)]) -> Result<Self, String> {
            let dir =
                std::env::temp_dir().join(format!("xtask-layers-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            for (path, content) in files {
                let path = dir.join(path);
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|e| e.to_string())?;
                }
                fs::write(&path, content).map_err(|e| e.to_string())?;
            }
            Ok(Self(dir))
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// lib.rs of the synthetic crate: `c` re-exports `Thing` at the root.
    const LIB: &str = "mod a;\npub mod b;\nmod c;\nmod d;\npub use c::Thing;\n";

    #[test]
    fn a_cycle_fails_with_its_path_and_sites() -> Result<(), String> {
        let tree = Tree::new(
            "cycle",
            &[
                ("lib.rs", LIB),
                ("a.rs", "use crate::b::B;\n"),
                ("b/mod.rs", "mod inner;\npub struct B;\n"),
                ("b/inner.rs", "pub fn f() {\n    crate::Thing::new();\n}\n"),
                ("c.rs", "use crate::{\n    d::D,\n    a::A,\n};\n"),
                ("d.rs", "pub struct D;\n"),
            ],
        )?;
        let graph = analyze(&tree.0)?;
        let Err(components) = layers(&graph) else {
            return Err("the cycle a -> b -> c -> a passed".into());
        };
        assert_eq!(components, [["a", "b", "c"]]);
        let report = render_cycles(&graph, &components, "src/");
        assert!(report.contains("  a -> b -> c -> a\n"), "{report}");
        assert!(report.contains("a -> b: src/a.rs:1\n"), "{report}");
        assert!(report.contains("b -> c: src/b/inner.rs:2\n"), "{report}");
        assert!(report.contains("c -> a: src/c.rs:3\n"), "{report}");
        Ok(())
    }

    #[test]
    fn no_cycle_passes_and_prints_layers() -> Result<(), String> {
        let tree = Tree::new(
            "acyclic",
            &[
                ("lib.rs", LIB),
                ("a.rs", "use crate::b::B;\n"),
                ("b/mod.rs", "mod inner;\npub struct B;\n"),
                ("b/inner.rs", "pub fn f() { crate::Thing::new(); }\n"),
                (
                    "c.rs",
                    "// use crate::a::A;\nuse crate::d::D;\npub struct Thing;\n\
                     #[cfg(test)]\nmod tests { use crate::a::A; }\n#[cfg(test)]\nmod more;\n",
                ),
                ("c/more.rs", "use crate::a::A;\n"),
                ("c/nested/tests.rs", "use crate::a::A;\n"),
                ("d/tests/x.rs", "use crate::a::A;\n"),
                (
                    "d/mod.rs",
                    "pub struct D;\n#[cfg(test)]\n#[path = \"helpers.rs\"]\nmod helpers;\n",
                ),
                ("d/helpers.rs", "use crate::a::A;\n"),
            ],
        )?;
        let graph = analyze(&tree.0)?;
        assert_eq!(
            layers(&graph),
            Ok(vec![
                vec!["d".to_owned()],
                vec!["c".to_owned()],
                vec!["b".to_owned()],
                vec!["a".to_owned()]
            ])
        );
        Ok(())
    }

    #[test]
    fn unknown_root_names_fail() -> Result<(), String> {
        let tree = Tree::new(
            "unknown",
            &[
                ("lib.rs", "mod a;\n"),
                ("a.rs", "use crate::Missing;\nuse crate::*;\n"),
            ],
        )?;
        let error = analyze(&tree.0).err().unwrap_or_default();
        assert!(error.contains("a.rs:1: `crate::Missing`"), "{error}");
        assert!(error.contains("a.rs:2: a glob import"), "{error}");
        Ok(())
    }
}
