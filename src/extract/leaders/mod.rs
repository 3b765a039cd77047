//! Leaders: named office-holders. Two sources of evidence, both compiled in
//! [`crate::rules::leaders`]: the gazetteer (canonical names, aliases, transliterations, short
//! names, countries and terms of office), matched through a transliteration-tolerant key, and
//! title phrases that find people the gazetteer does not know ("Kazakhstan First Deputy Foreign
//! Minister Akan Rakhmetullin", "Rashid Meredov, Minister of Foreign Affairs of Turkmenistan").

use crate::rules::id::RuleId;

use super::countries::CountryMention;
use crate::rules::leaders::LeaderRules;
use crate::story::StoryText;
use crate::text::Span;

mod known;
mod people;
mod scan;
mod titles;

/// A leader found in a story, with all of their mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderMention {
    /// Canonical name.
    pub name: String,
    /// Span of the first mention in the story text.
    pub span: Span,
    /// Title as written, if a title was found next to a mention.
    pub title: Option<String>,
    /// ISO 3166-1 alpha-2 code of the state served.
    pub country: Option<String>,
    /// Number of mentions, surname-only ones included.
    pub mentions: usize,
    /// Spans of every mention, in text order.
    pub spans: Vec<Span>,
    /// Rule id.
    pub rule: RuleId,
}

/// An office named without a person ("the Korean president"), resolved later by date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeMention {
    /// Span of the title in the story text.
    pub span: Span,
    /// The title as written.
    pub title: String,
    /// ISO 3166-1 alpha-2 code of the state.
    pub country: String,
    /// The gazetteer role of the title.
    pub role: String,
}

/// What the leader extractor finds in a story.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Leaders {
    /// Named people.
    pub people: Vec<LeaderMention>,
    /// Offices named without a person.
    pub offices: Vec<OfficeMention>,
}

/// A mention of a person found by one of the stages.
struct Found {
    /// Canonical name.
    name: String,
    /// The tokens of the mention, first and one past the last.
    toks: (usize, usize),
    /// Characters of the mention.
    span: Span,
    /// The title it was found with.
    title: Option<String>,
    /// ISO 3166-1 alpha-2 code of the state served.
    country: Option<String>,
    /// Rule id.
    rule: RuleId,
}

/// The leaders found so far, by the tokens they cover, so that a new mention finds the one
/// it lies in or that lies in it without a scan of all of them.
struct FoundIndex {
    /// Per token: the last of `entries` for a leader that covers it, or [`NO_ENTRY`].
    last: Vec<u32>,
    /// A leader (its index in the found leaders) and the entry before it of the same token.
    entries: Vec<(u32, u32)>,
}

/// No entry of a [`FoundIndex`].
const NO_ENTRY: u32 = u32::MAX;

impl FoundIndex {
    /// The index of `found` in a story of `tokens` tokens.
    fn new(tokens: usize, found: &[Found]) -> FoundIndex {
        let mut index = FoundIndex {
            last: vec![NO_ENTRY; tokens],
            entries: Vec::with_capacity(found.iter().map(|f| f.toks.1 - f.toks.0).sum()),
        };
        for (i, f) in found.iter().enumerate() {
            index.add(i, f.toks);
        }
        index
    }

    /// Records that leader `i` covers tokens `a..b`.
    fn add(&mut self, i: usize, (a, b): (usize, usize)) {
        let i = u32::try_from(i).expect("fewer leaders than characters");
        for k in a..b {
            let entry = u32::try_from(self.entries.len()).expect("fewer entries than characters");
            self.entries.push((i, self.last[k]));
            self.last[k] = entry;
        }
    }

    /// The leaders whose tokens include token `k`.
    fn at(&self, k: usize) -> impl Iterator<Item = usize> + '_ {
        let mut entry = self.last[k];
        std::iter::from_fn(move || {
            let &(i, before) = self.entries.get(entry as usize)?;
            entry = before;
            Some(i as usize)
        })
    }

    /// The first found leader (in `found` order) whose tokens lie within `a..b` or contain it.
    fn nested(&self, found: &[Found], (a, b): (usize, usize)) -> Option<usize> {
        (a..b)
            .flat_map(|k| self.at(k))
            .filter(|&i| {
                let (fa, fb) = found[i].toks;
                (a <= fa && fb <= b) || (fa <= a && b <= fb)
            })
            .min()
    }
}

/// Finds the leaders of a story. `countries` are the story's country mentions, used to tell
/// countries from names and to read a title's country. The stages: tokens and name runs
/// (`scan`), gazetteer people (`known`), people next to titles with their countries
/// (`titles`), and mentions grouped by person (`people`).
pub fn extract(story: &StoryText, rules: &LeaderRules, countries: &[CountryMention]) -> Leaders {
    let title_hits = rules.titles.find_in(story.matching(rules.titles.case_insensitive()));
    let scan = scan::Scan::new(story, rules, countries, &title_hits);
    let found = known::gazetteer_people(&scan);
    let (found, offices) = titles::title_people(&scan, &title_hits, found);
    Leaders {
        people: people::group(&scan, found),
        offices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::countries;
    use crate::lang::Lang;

    /// (language, text, expected (name, country) in order of first mention).
    type Case = (
        &'static str,
        &'static str,
        &'static [(&'static str, Option<&'static str>)],
    );

    const CASES: &[Case] = &[
        ("en", "Saudi Crown Prince MBS met the delegation.", &[("Mohammed bin Salman", Some("SA"))]),
        ("en", "Dilshod Akhatov, the Ambassador of Uzbekistan to Germany, met the Minister of Economy of Bavaria Hubert Aiwanger.", &[("Dilshod Akhatov", Some("UZ")), ("Hubert Aiwanger", None)]),
        ("de", "Auch der stellvertretende Investitionsminister Laziz Kudratov nahm teil.", &[("Laziz Kudratov", None)]),
        ("en", "According to Professor Oh Eun-kyung, trade grew.", &[("Oh Eun-kyung", Some("KR"))]),
        ("en", "Professor Maria Lopez of the institute said so.", &[("Maria Lopez", None)]),
        ("en", "The President of Uzbekistan, Shavkat Mirziyoyev, met the President of Slovakia, Peter Pellegrini.", &[("Shavkat Mirziyoyev", Some("UZ")), ("Peter Pellegrini", Some("SK"))]),
        ("en", "Kazakhstan First Deputy Foreign Minister Akan Rakhmetullin spoke. Rakhmetullin added more.", &[("Akan Rakhmetullin", Some("KZ"))]),
        ("en", "Delegations led by Ana Petrova, Minister of Foreign Affairs of Bulgaria, and others met.", &[("Ana Petrova", Some("BG"))]),
        ("en", "the former Ambassador of the Republic of Korea to Kazakhstan Baek Ju-hyeon said", &[("Baek Ju-hyeon", Some("KR"))]),
        ("en", "The visit of the President of South Korea, Yun Sok Yel, began.", &[("Yoon Suk Yeol", Some("KR"))]),
        ("en", "President Tokayev declared reforms.", &[("Kassym-Jomart Tokayev", Some("KZ"))]),
        ("en", "The President of Uzbekistan noted the contribution of Cengiz Holding.", &[]),
        ("en", "The Korean side and the press service of the President welcomed it.", &[]),
        ("de", "Treffen zwischen dem Präsidenten der Republik Usbekistan Shavkat Mirziyoyev und dem Präsidenten der Republik Kasachstan Kassym-Schomart Tokajew.", &[("Shavkat Mirziyoyev", Some("UZ")), ("Kassym-Jomart Tokayev", Some("KZ"))]),
        ("de", "Tokajew dankte Schawkat Mirsijojew für den Besuch.", &[("Kassym-Jomart Tokayev", Some("KZ")), ("Shavkat Mirziyoyev", Some("UZ"))]),
        ("de", "Die Präsidenten gaben Anweisungen an die Delegationen.", &[]),
        // Regression: a title inside a hyphenated token once panicked (slice 15..14).
        ("de", "EU-Abgeordnete zu Wochenrückblick.", &[]),
        ("de", "Die EU-Kommissarin Ursula Meier und EU-Abgeordnete Anna Berg kamen.", &[("Ursula Meier", None), ("Anna Berg", None)]),
        // Names that wrap over a line break, particles, patronymic chains.
        ("en", "talks with South Korean President Lee\nMyung-bak in Tashkent", &[("Lee Myung-bak", Some("KR"))]),
        ("en", "Commission President Ursula von der Leyen said so.", &[("Ursula von der Leyen", None)]),
        ("de", "Im Sudan ringen De-facto-Staatschef Abdel Fattah al-Burhan und sein Rivale.", &[("Abdel Fattah al-Burhan", Some("SD"))]),
        ("en", "HH Sheikh Hamdan bin Mohammed bin Rashid Al Maktoum, Crown Prince of Dubai, said.", &[("Hamdan bin Mohammed bin Rashid Al Maktoum", None)]),
        ("en", "Paragraph one ends here\n\nMarkus Weber said it.", &[]),
        // A surname alone after a written-out title; not after an abbreviation.
        ("de", "In Begleitung von Nationalrätin Bulliard-Marbach sprach er.", &[("Bulliard-Marbach", Some("CH"))]),
        ("en", "Published: 1:51 PM Last updated: 2:24 PM", &[]),
        // The name before a title whose of-phrase ends in one capitalised word.
        ("en", "Md Shahriar Kader Siddiky, secretary of Bangladesh's Economic Relations Division, signed.", &[("Md Shahriar Kader Siddiky", Some("BD"))]),
        ("en", "Aramco chief executive Amin Nasser responded.", &[("Amin Nasser", None)]),
        // Countries from the text: a party, an organisation, a list, a chain of titles.
        ("de", "Österreich und die VAE: Wirtschaftsministerin Margarete Schramböck (ÖVP) sprach.", &[("Margarete Schramböck", Some("AT"))]),
        ("de", "In Wien sprach Bundeskanzler Karl Nehammer über Österreich.", &[("Karl Nehammer", Some("AT"))]),
        ("en", "He met Swiss National Bank Chairman Martin Schlegel in Basel.", &[("Martin Schlegel", Some("CH"))]),
        ("de", "Sie traf Staatspräsident Alar Karis, Premierministerin Kaja Kallas und Verteidigungsminister Hanno Pevkur.", &[("Alar Karis", Some("EE")), ("Kaja Kallas", Some("EE")), ("Hanno Pevkur", Some("EE"))]),
        ("en", "Visiting Russian Minister of Trade and Deputy PM, Denis Manturov said so.", &[("Denis Manturov", Some("RU"))]),
        ("en", "Kazakhstan First Deputy Foreign Minister Akan Rakhmetullin and Assistant Secretary Donald Lu met.", &[("Akan Rakhmetullin", Some("KZ")), ("Donald Lu", Some("US"))]),
        // German transliterations of Russian names are respelled; German names are not.
        ("de", "Der Präsident der Bahn, Wladimir Jakunin, und Minister Walter Koren sprachen.", &[("Vladimir Yakunin", None), ("Walter Koren", None)]),
    ];

    #[test]
    fn table_of_english_and_german_leaders() {
        let rules = crate::rules::test_rules();
        for (lang, text, want) in CASES {
            let lr = &rules.language(lang).unwrap();
            let story = StoryText::new(text);
            let countries = countries::extract(&story, &lr.countries);
            let got: Vec<(String, Option<String>)> = extract(&story, &lr.leaders, &countries)
                .people
                .into_iter()
                .map(|l| (l.name, l.country))
                .collect();
            let want: Vec<(String, Option<String>)> = want
                .iter()
                .map(|(n, c)| (n.to_string(), c.map(str::to_owned)))
                .collect();
            assert_eq!(got, want, "{lang}: {text}");
        }
    }

    #[test]
    fn surname_mentions_are_counted() {
        let rules = crate::rules::test_rules();
        let text = "President Kassym-Jomart Tokayev arrived. Tokayev then met the press; Tokayev left.";
        let lr = &rules.languages[&Lang::En];
        let story = StoryText::new(text);
        let leaders = extract(&story, &lr.leaders, &countries::extract(&story, &lr.countries)).people;
        assert_eq!(leaders.len(), 1);
        assert_eq!(leaders[0].mentions, 3);
        assert_eq!(leaders[0].title.as_deref(), Some("President"));

        let text = "Der Präsident der Bahn, Wladimir Jakunin, kam. Jakunin sagte dann mehr.";
        let lr = &rules.languages[&Lang::De];
        let story = StoryText::new(text);
        let leaders = extract(&story, &lr.leaders, &countries::extract(&story, &lr.countries)).people;
        assert_eq!((leaders[0].name.as_str(), leaders[0].mentions), ("Vladimir Yakunin", 2));
    }
}
