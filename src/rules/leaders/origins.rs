//! Name origins, `rules/common/name_origins.toml`: the shapes of names (a family name from a
//! list, a given name matching a pattern) that point to a country when the story gives none.

use std::path::Path;

use serde::Deserialize;

use crate::rules::diag::Diagnostic;
use crate::rules::source::read_toml;

/// `rules/common/name_origins.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameOriginsFile {
    /// The origins.
    #[serde(rename = "origin", default)]
    pub origins: Vec<NameOriginSpec>,
}

/// One name origin as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameOriginSpec {
    /// Stable id.
    pub id: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// `first` or `last`: where the family name stands.
    pub family_name_position: String,
    /// Regular expression the given name must match.
    pub given_name: toml::Spanned<String>,
    /// Family names that count.
    pub family_names: Vec<String>,
}

/// One compiled origin: its country, whether the family name stands first, the given-name
/// pattern and the family names.
type Origin = (String, bool, regex::Regex, Vec<String>);

/// Compiled name origins: a fallback country for people the story gives no country for.
#[derive(Debug, Default)]
pub struct NameOrigins {
    origins: Vec<Origin>,
}

impl NameOrigins {
    /// Loads and checks `rules/common/name_origins.toml`.
    pub fn load(path: &Path, errors: &mut Vec<Diagnostic>) -> NameOrigins {
        let Some((source, file)) = read_toml::<NameOriginsFile>(path, errors) else {
            return NameOrigins::default();
        };
        let origins = file
            .origins
            .into_iter()
            .filter_map(|o| compile_origin(path, &source, o).map_err(|d| errors.push(d)).ok())
            .collect();
        NameOrigins { origins }
    }

    /// The country a two-part name points to, if one origin's shape matches it.
    pub fn country_of(&self, name: &str) -> Option<String> {
        let parts: Vec<&str> = name.split_whitespace().collect();
        let [a, b] = parts.as_slice() else { return None };
        self.origins.iter().find_map(|(country, first, given, families)| {
            let (family, given_name) = if *first { (a, b) } else { (b, a) };
            (families.iter().any(|f| f == family) && given.is_match(given_name)).then(|| country.clone())
        })
    }
}

/// Checks and compiles one origin of the file at `path` (text `source`); a problem is reported
/// at its given-name pattern.
fn compile_origin(path: &Path, source: &str, o: NameOriginSpec) -> Result<Origin, Diagnostic> {
    let at = crate::rules::pattern::string_content_start(source, o.given_name.span().start);
    let error = |message: String, hint: &str| Diagnostic::at_byte(path, source, at, message).with_hint(hint.to_owned());
    let first = match o.family_name_position.as_str() {
        "first" => true,
        "last" => false,
        other => {
            return Err(error(
                format!("`{}`: family_name_position `{other}` is not `first` or `last`", o.id),
                "write family_name_position = \"first\" or \"last\"",
            ))
        }
    };
    if o.country.len() != 2 || !o.country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(error(
            format!("`{}`: `{}` is not an ISO 3166-1 alpha-2 code", o.id, o.country),
            "use two upper-case letters, e.g. KR",
        ));
    }
    match regex::Regex::new(o.given_name.get_ref()) {
        Ok(re) => Ok((o.country, first, re, o.family_names)),
        Err(e) => Err(error(
            format!(
                "invalid regex in `{}`: {}",
                o.id,
                e.to_string().lines().last().unwrap_or("")
            ),
            "fix the pattern; see the regex crate's syntax",
        )),
    }
}
