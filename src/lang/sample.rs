//! One pass over a lower-cased sample, counting what whatlang's detector counts: each letter
//! (any character but the stop characters), and each trigram (stop characters read as spaces,
//! the text framed by spaces, a trigram whose middle is a space beside another space skipped);
//! then the distinct trigrams ranked by occurrences, most first, ties going to the greater
//! trigram, the first [`TEXT_TRIGRAMS`] kept.
//!
//! Sorting every trigram occurrence to count them was a quarter of the detection. Trigrams of
//! spaces, the letters a–z and DEL (nearly all of an English or German sample's) are counted
//! instead in a table with a slot for each of them, and a bitmap of the slots in use lists them
//! in ascending order without sorting; only the trigrams with another character are sorted.

use std::cell::RefCell;

/// How many of the text's most frequent trigrams are ranked (whatlang's `TEXT_TRIGRAMS_SIZE`).
const TEXT_TRIGRAMS: usize = 600;

/// A trigram packed into an integer: 21 bits a character, first character highest, so integer
/// order is the order of the characters.
pub type PackedTrigram = u64;

/// The characters of the counting table's trigrams, in character order: space, a–z and DEL,
/// the ASCII characters of a lower-cased text that are not stop characters.
const TABLE_CHARS: [char; 28] = [
    ' ', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v',
    'w', 'x', 'y', 'z', '\u{7f}',
];

/// The number of [`TABLE_CHARS`].
const SYMBOLS: usize = TABLE_CHARS.len();

/// Slots of the counting table: one per trigram of [`TABLE_CHARS`], numbered in trigram order.
pub const TABLE_SLOTS: usize = SYMBOLS * SYMBOLS * SYMBOLS;

/// Marks a character that is not one of [`TABLE_CHARS`].
const NOT_IN_TABLE: u8 = u8::MAX;

/// Per ASCII character: its index in [`TABLE_CHARS`], or [`NOT_IN_TABLE`].
const SYMBOL: [u8; 128] = {
    let mut table = [NOT_IN_TABLE; 128];
    let mut i = 0;
    while i < SYMBOLS {
        table[TABLE_CHARS[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Per ASCII character: how many of [`TABLE_CHARS`] order before it.
const BELOW: [u8; 128] = {
    let mut table = [0; 128];
    let mut i = 0;
    while i < SYMBOLS {
        let mut ch = TABLE_CHARS[i] as usize + 1;
        while ch < 128 {
            table[ch] += 1;
            ch += 1;
        }
        i += 1;
    }
    table
};

/// A counting table and the bitmap of its slots in use; every slot is zero between calls.
struct Table {
    /// Occurrences per slot.
    counts: Vec<u32>,
    /// One bit per slot, set while its count is not zero.
    used: Vec<u64>,
}

thread_local! {
    /// Each thread's counting table (about 90 kB), allocated once. Counting and draining it
    /// happen in one call with nothing between them that can panic, so it is always left empty.
    static TABLE: RefCell<Table> = RefCell::new(Table {
        counts: vec![0; TABLE_SLOTS],
        used: vec![0; TABLE_SLOTS.div_ceil(64)],
    });
}

/// Whether whatlang ignores `ch` (ASCII digits, punctuation, spaces and control characters).
pub const fn is_stop_char(ch: char) -> bool {
    matches!(ch, '\u{0000}'..='\u{0040}' | '\u{005B}'..='\u{0060}' | '\u{007B}'..='\u{007E}')
}

/// `a`, `b` and `c` packed into one integer.
pub fn pack(a: char, b: char, c: char) -> PackedTrigram {
    (u64::from(a) << 42) | (u64::from(b) << 21) | u64::from(c)
}

/// A trigram as counted: its slot in the counting table, or packed when it has a character
/// outside [`TABLE_CHARS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigram {
    /// A trigram of [`TABLE_CHARS`], by slot.
    Slot(u16),
    /// Any other trigram.
    Packed(PackedTrigram),
}

impl Trigram {
    /// The trigram of `a`, `b` and `c`.
    pub fn of(a: char, b: char, c: char) -> Trigram {
        match [a, b, c].map(symbol) {
            [x, y, z] if (x | y | z) != NOT_IN_TABLE => Trigram::Slot(slot(x, y, z)),
            _ => Trigram::Packed(pack(a, b, c)),
        }
    }

    /// The trigram packed, which orders trigrams as their characters do.
    pub fn packed(self) -> PackedTrigram {
        match self {
            Trigram::Slot(slot) => {
                let slot = usize::from(slot);
                let (a, b, c) = (slot / (SYMBOLS * SYMBOLS), slot / SYMBOLS % SYMBOLS, slot % SYMBOLS);
                pack(TABLE_CHARS[a], TABLE_CHARS[b], TABLE_CHARS[c])
            }
            Trigram::Packed(packed) => packed,
        }
    }
}

/// The three characters' code points of a packed trigram, first first.
fn unpack(packed: PackedTrigram) -> [u32; 3] {
    [42, 21, 0].map(|shift| ((packed >> shift) & 0x1F_FFFF) as u32)
}

/// The index of `ch` in [`TABLE_CHARS`], or [`NOT_IN_TABLE`].
fn symbol(ch: char) -> u8 {
    SYMBOL.get(ch as usize).copied().unwrap_or(NOT_IN_TABLE)
}

/// The slot of the trigram of the [`TABLE_CHARS`] with indexes `a`, `b` and `c`.
#[inline]
fn slot(a: u8, b: u8, c: u8) -> u16 {
    ((u16::from(a) * SYMBOLS as u16) + u16::from(b)) * SYMBOLS as u16 + u16::from(c)
}

/// What one pass over a lower-cased sample counts.
#[derive(Debug)]
pub struct SampleCounts {
    /// Each letter with its occurrences, ascending by letter.
    pub letters: Vec<(char, usize)>,
    /// How many letters the sample has.
    pub letter_count: usize,
    /// The distinct trigrams with their occurrences, ascending by trigram.
    pub trigrams: Vec<(u32, Trigram)>,
}

/// Counts the letters and trigrams of `lower`.
pub fn count(lower: &str) -> SampleCounts {
    TABLE.with(|table| {
        let table = &mut *table.borrow_mut();
        let mut tally = tally(table, lower);
        let trigrams = merge(
            drain(table, tally.distinct),
            count_sorted(std::mem::take(&mut tally.others)),
        );
        let (letters, letter_count) = tally.letters();
        SampleCounts {
            letters,
            letter_count,
            trigrams,
        }
    })
}

/// The ranks of the trigrams `counted` (ascending by trigram), the first [`TEXT_TRIGRAMS`]
/// only, in no particular order.
pub fn ranked(counted: &[(u32, Trigram)]) -> impl Iterator<Item = (u32, Trigram)> + '_ {
    let most = counted.iter().map(|&(count, _)| count as usize).max().unwrap_or(0);
    // next_rank[c]: the rank of the next trigram occurring c times, going down by trigram;
    // it starts at the number of trigrams that occur more often.
    let mut next_rank = vec![0u32; most + 1];
    // Most trigrams occur once: counted apart, in a register, the other counts do not wait
    // for each other's increments of the same element.
    let mut once = 0;
    for &(count, _) in counted {
        if count == 1 {
            once += 1;
        } else {
            next_rank[count as usize] += 1;
        }
    }
    if let Some(slot) = next_rank.get_mut(1) {
        *slot = once;
    }
    let mut more_frequent = 0;
    for slot in next_rank.iter_mut().rev() {
        let with_this_count = *slot;
        *slot = more_frequent;
        more_frequent += with_this_count;
    }
    counted.iter().rev().filter_map(move |&(count, trigram)| {
        let rank = next_rank[count as usize];
        next_rank[count as usize] += 1;
        (rank < TEXT_TRIGRAMS as u32).then_some((rank, trigram))
    })
}

/// Per ASCII byte: the character a trigram has for it (a space for a stop character).
const READ_AS: [u8; 128] = {
    let mut table = [b' '; 128];
    let mut b = 0;
    while b < 128 {
        if !is_stop_char(b as u8 as char) {
            table[b] = b as u8;
        }
        b += 1;
    }
    table
};

/// What [`tally`] counts besides the table's trigrams.
struct Tally {
    /// Occurrences of each ASCII character.
    ascii: [u32; 128],
    /// Every occurrence of a character outside ASCII (all of them letters).
    wide: Vec<char>,
    /// How many slots of the table are in use.
    distinct: usize,
    /// Every occurrence of a trigram outside the table.
    others: Vec<PackedTrigram>,
}

/// Counts the characters of `lower`, and its trigrams: those of [`TABLE_CHARS`] in `table`,
/// the others' occurrences in the tally.
fn tally(table: &mut Table, lower: &str) -> Tally {
    let mut tally = Tally {
        ascii: [0; 128],
        wide: Vec::new(),
        distinct: 0,
        others: Vec::new(),
    };
    let mut at = 0;
    let Some(mut second) = tally.read(lower, &mut at) else {
        return tally;
    };
    let mut first = (' ', 0);
    while let Some(third) = tally.read(lower, &mut at) {
        tally.add(table, first, second, third);
        (first, second) = (second, third);
    }
    tally.add(table, first, second, (' ', 0));
    tally
}

impl Tally {
    /// The character at byte `at` of `lower` as trigrams read it, with its [`symbol`]; counts
    /// it and moves `at` past it.
    #[inline(always)]
    fn read(&mut self, lower: &str, at: &mut usize) -> Option<(char, u8)> {
        let &b = lower.as_bytes().get(*at)?;
        if b < 0x80 {
            *at += 1;
            self.ascii[usize::from(b)] += 1;
            let ch = READ_AS[usize::from(b)];
            return Some((char::from(ch), SYMBOL[usize::from(ch)]));
        }
        let ch = lower[*at..].chars().next().expect("a character boundary");
        *at += ch.len_utf8();
        self.wide.push(ch);
        Some((ch, NOT_IN_TABLE))
    }

    /// Counts the trigram of `first`, `second` and `third` (characters with their symbols),
    /// unless its middle is a space beside another.
    #[inline(always)]
    fn add(&mut self, table: &mut Table, first: (char, u8), second: (char, u8), third: (char, u8)) {
        let ((x, a), (y, b), (z, c)) = (first, second, third);
        // A space (symbol 0) in the middle, beside another: no trigram.
        if b == 0 && (a == 0 || c == 0) {
            return;
        }
        if (a | b | c) == NOT_IN_TABLE {
            self.others.push(pack(x, y, z));
            return;
        }
        let slot = usize::from(slot(a, b, c));
        let count = &mut table.counts[slot];
        if *count == 0 {
            self.distinct += 1;
            table.used[slot / 64] |= 1 << (slot % 64);
        }
        *count += 1;
    }

    /// The letters counted, ascending, and how many there are.
    fn letters(self) -> (Vec<(char, usize)>, usize) {
        let mut letters: Vec<(char, usize)> = (0..128)
            .filter(|&b| READ_AS[b] != b' ' && self.ascii[b] > 0)
            .map(|b| (char::from(b as u8), self.ascii[b] as usize))
            .collect();
        let mut wide = self.wide;
        wide.sort_unstable();
        for ch in wide {
            match letters.last_mut() {
                Some((last, count)) if *last == ch => *count += 1,
                _ => letters.push((ch, 1)),
            }
        }
        let letter_count = letters.iter().map(|&(_, count)| count).sum();
        (letters, letter_count)
    }
}

/// The counted trigrams of `table` (`distinct` of them), ascending, leaving every slot zero.
fn drain(table: &mut Table, distinct: usize) -> Vec<(u32, Trigram)> {
    let mut counted = Vec::with_capacity(distinct);
    for (word_index, word) in table.used.iter_mut().enumerate() {
        let mut bits = std::mem::take(word);
        while bits != 0 {
            let slot = word_index * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            counted.push((std::mem::take(&mut table.counts[slot]), Trigram::Slot(slot as u16)));
        }
    }
    counted
}

/// `occurrences` counted, ascending by trigram.
fn count_sorted(mut occurrences: Vec<PackedTrigram>) -> Vec<(u32, Trigram)> {
    occurrences.sort_unstable();
    let mut counted: Vec<(u32, Trigram)> = Vec::with_capacity(occurrences.len());
    for trigram in occurrences {
        match counted.last_mut() {
            Some((count, Trigram::Packed(last))) if *last == trigram => *count += 1,
            _ => counted.push((1, Trigram::Packed(trigram))),
        }
    }
    counted
}

/// The counted trigrams of the table (`slots`) and the others (`others`), each ascending,
/// merged into one list ascending by trigram.
fn merge(slots: Vec<(u32, Trigram)>, others: Vec<(u32, Trigram)>) -> Vec<(u32, Trigram)> {
    if others.is_empty() {
        return slots;
    }
    let mut merged = Vec::with_capacity(slots.len() + others.len());
    let mut rest = slots.as_slice();
    for other in others {
        let before = slots_before(other.1.packed());
        let k = rest.partition_point(|&(_, t)| matches!(t, Trigram::Slot(s) if usize::from(s) < before));
        merged.extend_from_slice(&rest[..k]);
        rest = &rest[k..];
        merged.push(other);
    }
    merged.extend_from_slice(rest);
    merged
}

/// How many of the table's trigrams order before `packed`, a trigram outside the table.
fn slots_before(packed: PackedTrigram) -> usize {
    let [a, b, c] = unpack(packed);
    // Per character: how many table characters order before it, and whether it is one.
    let place = |ch: u32| match usize::try_from(ch).ok().filter(|&ch| ch < 128) {
        Some(ch) => (usize::from(BELOW[ch]), SYMBOL[ch] != NOT_IN_TABLE),
        None => (SYMBOLS, false),
    };
    let ((a_below, a_in), (b_below, b_in), (c_below, _)) = (place(a), place(b), place(c));
    let mut before = a_below * SYMBOLS * SYMBOLS;
    if a_in {
        before += b_below * SYMBOLS;
        if b_in {
            before += c_below;
        }
    }
    before
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The text's counted trigrams by sorting every occurrence, as whatlang's definition reads.
    fn counted_by_sorting(lower: &str) -> Vec<(u32, PackedTrigram)> {
        let mut occurrences = Vec::new();
        let mut chars = lower
            .chars()
            .map(|ch| if is_stop_char(ch) { ' ' } else { ch })
            .chain([' ']);
        let (mut first, mut second) = (' ', chars.next().unwrap_or(' '));
        for third in chars {
            if !(second == ' ' && (first == ' ' || third == ' ')) {
                occurrences.push(pack(first, second, third));
            }
            (first, second) = (second, third);
        }
        occurrences.sort_unstable();
        let mut counted: Vec<(u32, PackedTrigram)> = Vec::new();
        for trigram in occurrences {
            match counted.last_mut() {
                Some((count, last)) if *last == trigram => *count += 1,
                _ => counted.push((1, trigram)),
            }
        }
        counted
    }

    /// The counted trigrams of `lower`, packed.
    fn counted_packed(lower: &str) -> Vec<(u32, PackedTrigram)> {
        count(lower)
            .trigrams
            .into_iter()
            .map(|(count, trigram)| (count, trigram.packed()))
            .collect()
    }

    /// The trigrams of `lower` in rank order, ranked as whatlang ranks them: every distinct
    /// trigram sorted by (occurrences, trigram), greatest first, the first 600 kept.
    fn ranked_by_sorting(lower: &str) -> Vec<PackedTrigram> {
        let mut counted = counted_by_sorting(lower);
        counted.sort_unstable_by(|a, b| b.cmp(a));
        counted
            .into_iter()
            .take(TEXT_TRIGRAMS)
            .map(|(_, trigram)| trigram)
            .collect()
    }

    /// The trigrams of `lower` [`ranked`], in rank order (panics unless the ranks are 0, 1,
    /// 2, …).
    fn in_rank_order(lower: &str) -> Vec<PackedTrigram> {
        let mut ranked: Vec<(u32, Trigram)> = ranked(&count(lower).trigrams).collect();
        ranked.sort_unstable_by_key(|&(rank, _)| rank);
        assert!(
            ranked.iter().enumerate().all(|(i, &(rank, _))| rank as usize == i),
            "{lower:?}"
        );
        ranked.into_iter().map(|(_, trigram)| trigram.packed()).collect()
    }

    #[test]
    fn packed_trigrams_order_as_their_characters_do() {
        let trigrams = [
            (' ', 'a', 'b'),
            ('a', ' ', 'z'),
            ('a', 'b', ' '),
            ('a', 'é', 'a'),
            ('z', 'z', '\u{10FFFF}'),
        ];
        for pair in trigrams.windows(2) {
            let ((a1, b1, c1), (a2, b2, c2)) = (pair[0], pair[1]);
            assert!(pack(a1, b1, c1) < pack(a2, b2, c2), "{pair:?}");
        }
    }

    /// The trigram of every slot of the table, packed, by slot.
    fn table_trigrams() -> Vec<PackedTrigram> {
        (0..TABLE_SLOTS as u16).map(|s| Trigram::Slot(s).packed()).collect()
    }

    #[test]
    fn table_slots_are_numbered_in_trigram_order() {
        assert!(TABLE_CHARS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(TABLE_CHARS.iter().all(|&ch| !is_stop_char(ch) || ch == ' '));
        let trigrams = table_trigrams();
        assert!(trigrams.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(trigrams[0], pack(' ', ' ', ' '));
        assert_eq!(trigrams[TABLE_SLOTS - 1], pack('\u{7f}', '\u{7f}', '\u{7f}'));
        for (slot, &packed) in trigrams.iter().enumerate() {
            let [a, b, c] = unpack(packed).map(|code| char::from_u32(code).unwrap());
            assert_eq!(Trigram::of(a, b, c), Trigram::Slot(slot as u16));
        }
        assert_eq!(Trigram::of('a', 'ü', ' '), Trigram::Packed(pack('a', 'ü', ' ')));
        assert_eq!(Trigram::of('A', 'b', 'c'), Trigram::Packed(pack('A', 'b', 'c')));
    }

    #[test]
    fn trigrams_outside_the_table_know_how_many_table_trigrams_order_before_them() {
        let slots = table_trigrams();
        let outside = [
            ('A', 'a', 'a'),
            (' ', ' ', 'ä'),
            (' ', 'a', '{'),
            ('a', 'ü', ' '),
            ('z', '\u{7f}', '😀'),
            ('ß', ' ', ' '),
            ('\u{0}', '\u{0}', '\u{0}'),
        ];
        for (a, b, c) in outside {
            let packed = pack(a, b, c);
            assert_eq!(Trigram::of(a, b, c), Trigram::Packed(packed));
            let expected = slots.iter().filter(|&&slot| slot < packed).count();
            assert_eq!(slots_before(packed), expected, "{a:?}{b:?}{c:?}");
        }
    }

    #[test]
    fn counting_in_the_table_is_counting_by_sorting() {
        let texts = [
            "",
            ",",
            "a",
            "xaaaaabbbb    d",
            "zölle für öl – „gespräche“ straße",
            "Upper CASE stays outside the table",
            "del \u{7f}\u{7f} and tab\tand 😀 emoji",
            "ab ab ab öö ab",
        ];
        for text in texts {
            assert_eq!(counted_packed(text), counted_by_sorting(text), "{text:?}");
            // The table is left empty: counting again gives the same.
            assert_eq!(counted_packed(text), counted_by_sorting(text), "{text:?}");
        }
    }

    /// The letters of `lower` with their occurrences, counted one by one.
    fn letters_one_by_one(lower: &str) -> (Vec<(char, usize)>, usize) {
        let mut letters = std::collections::BTreeMap::new();
        for ch in lower.chars().filter(|&ch| !is_stop_char(ch)) {
            *letters.entry(ch).or_insert(0) += 1;
        }
        let letter_count = letters.values().sum();
        (letters.into_iter().collect(), letter_count)
    }

    #[test]
    fn letters_are_counted_as_one_by_one() {
        for text in ["", "12, 34!", "zölle für öl – „gespräche“ straße", "del \u{7f} tab\t😀"] {
            let counts = count(text);
            assert_eq!(
                (counts.letters, counts.letter_count),
                letters_one_by_one(text),
                "{text:?}"
            );
        }
        let counts = count("ab, ba ä");
        assert_eq!(counts.letters, [('a', 2), ('b', 2), ('ä', 1)]);
        assert_eq!(counts.letter_count, 5);
    }

    #[test]
    fn trigrams_are_counted_and_ranked_as_whatlang_does() {
        // whatlang's own examples (trigrams/utils.rs): "xaaaaabbbb    d" ranks aaa, then bbb.
        assert_eq!(
            &in_rank_order("xaaaaabbbb    d")[..2],
            [pack('a', 'a', 'a'), pack('b', 'b', 'b')]
        );
        assert!(in_rank_order("").is_empty());
        assert!(in_rank_order(",").is_empty());
        assert_eq!(in_rank_order("-a-"), [pack(' ', 'a', ' ')]);
        assert_eq!(in_rank_order("give - it..."), ranked_by_sorting("give - it..."));
        assert_eq!(in_rank_order("give - it...").len(), 6);
    }

    #[test]
    fn ranks_are_those_of_sorting_by_occurrences_and_trigram() {
        let article = include_str!("../../data/articles/003_a56670e1651dc7f0.txt").to_lowercase();
        let chars: Vec<char> = article.chars().collect();
        for length in [1, 5, 40, 300, 600, 2_000, chars.len()] {
            for start in (0..=chars.len().saturating_sub(length)).step_by(997) {
                let text: String = chars[start..(start + length).min(chars.len())].iter().collect();
                assert_eq!(in_rank_order(&text), ranked_by_sorting(&text), "{text:?}");
            }
        }
        let repeated = "ab ".repeat(300) + &"xyz ".repeat(299) + "nop";
        assert_eq!(in_rank_order(&repeated), ranked_by_sorting(&repeated));
    }

    proptest! {
        #[test]
        fn any_text_is_counted_as_by_sorting(text in "[ a-zäöüßA-Z.,\u{7f}é😀\n-]{0,80}") {
            prop_assert_eq!(counted_packed(&text), counted_by_sorting(&text));
            let counts = count(&text);
            prop_assert_eq!((counts.letters, counts.letter_count), letters_one_by_one(&text));
        }
    }
}
