//! Typo tolerance: edit distance with a bound, and a cheap filter that skips most words before it.

/// How many edits a word of this length may carry and still count as the same word: none for
/// short words (too many of them are one edit apart: "سایت" and "ساعت"), one from five letters,
/// two from nine.
pub(crate) fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// A 64-bit set of the characters of a word (hashed), for the filter in [`maybe_within`].
pub(crate) fn char_mask(w: &[char]) -> u64 {
    w.iter().fold(0u64, |m, &c| {
        m | 1u64 << ((c as u32).wrapping_mul(2_654_435_761) >> 26)
    })
}

/// False when `a` and `b` surely differ by more than `k` edits: each edit adds at most one
/// character that the other word lacks, and changes the length by at most one.
pub(crate) fn maybe_within(a: &[char], ma: u64, b: &[char], mb: u64, k: usize) -> bool {
    a.len().abs_diff(b.len()) <= k
        && (ma & !mb).count_ones() as usize <= k
        && (mb & !ma).count_ones() as usize <= k
}

/// The optimal-string-alignment distance (insert, delete, substitute, swap two neighbours)
/// between `a` and `b`, or `None` when it is over `k`.
pub(crate) fn distance(a: &[char], b: &[char], k: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > k {
        return None;
    }
    let n = b.len();
    let mut prev2: Vec<usize> = vec![0; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur: Vec<usize> = vec![0; n + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[n];
    (d <= k).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str, k: usize) -> Option<usize> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        distance(&a, &b, k)
    }

    #[test]
    fn distances() {
        assert_eq!(d("lunch", "launch", 2), Some(1));
        assert_eq!(d("appliction", "application", 2), Some(1));
        assert_eq!(d("eppass3003", "epass3003", 2), Some(1));
        assert_eq!(d("ab", "ba", 1), Some(1));
        assert_eq!(d("توکن", "توکن", 0), Some(0));
        assert_eq!(d("گواهی", "گوهای", 1), Some(1));
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(d("kitten", "sitting", 3), Some(3));
    }

    #[test]
    fn the_filter_never_drops_a_word_within_reach() {
        let words = [
            "launch",
            "lunch",
            "application",
            "appliction",
            "اعتبارسنجی",
            "اعتبار",
            "سنجی",
            "دستینه",
            "دستینع",
            "epass3003",
            "eppass3003",
            "ثبت",
            "ثبتت",
        ];
        for a in words {
            for b in words {
                let ca: Vec<char> = a.chars().collect();
                let cb: Vec<char> = b.chars().collect();
                for k in 0..3 {
                    if distance(&ca, &cb, k).is_some() {
                        assert!(
                            maybe_within(&ca, char_mask(&ca), &cb, char_mask(&cb), k),
                            "{a} {b} {k}"
                        );
                    }
                }
            }
        }
    }
}
