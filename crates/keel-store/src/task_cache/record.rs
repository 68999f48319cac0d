//! One kept task as bytes: a fixed header of numbers, then its own texts,
//! each after its length. Names many tasks share (workspace ids, product
//! keys, statuses, team keys, people) are held once, in [`Shared`], and
//! the record names them by number.
//!
//! Header (little-endian): record length `u32`, number `u32`, row id `i64`,
//! version `i64`, rank `f64`, estimate `f64`; then `u32` numbers of the
//! workspace, product, status, priority, type, creator, team and assignee
//! ([`NONE`] for none); then a byte of flags. Texts follow: id, title,
//! description, due date, parent, feature, created, updated, completed;
//! then the number of labels and each label. Each text starts with a
//! varint tag: [`ABSENT`], [`TIMESTAMP`] (eight bytes of microseconds, for
//! a text that is exactly a stored timestamp), [`HEX_ID`] (sixteen bytes,
//! for 32 lowercase hex digits: an id), or its length plus [`PLAIN`]
//! followed by the text. The two short forms are used only where the text
//! reads back identical, and save about 70 bytes of a typical task.

use keel_domain::model::{PersonRef, Task};
use keel_domain::time::Timestamp;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// "None" among the numbers of shared names.
const NONE: u32 = u32::MAX;
const HEADER: usize = 73;
/// Flag: the task has an estimate.
const HAS_ESTIMATE: u8 = 1;

/// Text tags.
const ABSENT: u64 = 0;
const TIMESTAMP: u64 = 1;
const HEX_ID: u64 = 2;
const PLAIN: u64 = 3;

/// Texts and people that many tasks share, each held once.
#[derive(Default)]
pub(super) struct Shared {
    names: Vec<Arc<str>>,
    name_index: HashMap<Arc<str>, u32>,
    people: Vec<PersonRef>,
    person_index: HashMap<String, u32>,
}

impl Shared {
    pub(super) fn intern(&mut self, value: &str) -> u32 {
        if let Some(&i) = self.name_index.get(value) {
            return i;
        }
        let shared: Arc<str> = Arc::from(value);
        let i = self.names.len() as u32;
        self.names.push(shared.clone());
        self.name_index.insert(shared, i);
        i
    }

    /// The number of a name already held.
    pub(super) fn find(&self, value: &str) -> Option<u32> {
        self.name_index.get(value).copied()
    }

    fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    fn person_number(&mut self, person: &PersonRef) -> u32 {
        if let Some(&i) = self.person_index.get(&person.id)
            && self.people[i as usize] == *person
        {
            return i;
        }
        let i = self.people.len() as u32;
        self.people.push(person.clone());
        self.person_index.insert(person.id.clone(), i);
        i
    }
}

/// Appends `task`'s record to `out`; `None` (and `out` as it was) when the
/// task cannot be kept: a number beyond `u32`.
pub(super) fn encode(
    task: &Task,
    row_id: i64,
    shared: &mut Shared,
    out: &mut Vec<u8>,
) -> Option<()> {
    let number = u32::try_from(task.number).ok()?;
    let start = out.len();
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&number.to_le_bytes());
    out.extend_from_slice(&row_id.to_le_bytes());
    out.extend_from_slice(&task.version.to_le_bytes());
    out.extend_from_slice(&task.rank.to_le_bytes());
    out.extend_from_slice(&task.estimate.unwrap_or(0.0).to_le_bytes());
    let numbers = [
        shared.intern(&task.workspace_id),
        shared.intern(&task.product),
        shared.intern(&task.status),
        shared.intern(&task.priority),
        shared.intern(&task.task_type),
        shared.person_number(&task.created_by),
        task.team.as_deref().map_or(NONE, |t| shared.intern(t)),
        task.assignee
            .as_ref()
            .map_or(NONE, |p| shared.person_number(p)),
    ];
    for n in numbers {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.push(if task.estimate.is_some() {
        HAS_ESTIMATE
    } else {
        0
    });
    debug_assert_eq!(out.len() - start, HEADER);
    for text in [
        Some(task.id.as_str()),
        Some(&task.title),
        Some(&task.description),
        task.due_date.as_deref(),
        task.parent.as_deref(),
        task.feature.as_deref(),
        Some(&task.created_at),
        Some(&task.updated_at),
        task.completed_at.as_deref(),
    ] {
        put_text(out, text);
    }
    put_varint(out, task.labels.len() as u64);
    for label in &task.labels {
        put_text(out, Some(label));
    }
    let len = u32::try_from(out.len() - start).ok();
    let Some(len) = len else {
        out.truncate(start);
        return None;
    };
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
    Some(())
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_text(out: &mut Vec<u8>, text: Option<&str>) {
    let Some(text) = text else {
        return put_varint(out, ABSENT);
    };
    if let Some(bytes) = hex_id_bytes(text) {
        put_varint(out, HEX_ID);
        out.extend_from_slice(&bytes);
        return;
    }
    if text.len() == TIMESTAMP_LEN
        && let Ok(at) = Timestamp::parse("", text)
        && at.to_rfc3339() == text
    {
        put_varint(out, TIMESTAMP);
        out.extend_from_slice(&at.unix_micros().to_le_bytes());
        return;
    }
    put_varint(out, text.len() as u64 + PLAIN);
    out.extend_from_slice(text.as_bytes());
}

/// The length of a stored timestamp, `2026-11-25T10:00:00.000000Z`.
const TIMESTAMP_LEN: usize = 27;

/// The 16 bytes of 32 lowercase hex digits.
fn hex_id_bytes(text: &str) -> Option<[u8; 16]> {
    if !keel_domain::ids::looks_like_id(text) {
        return None;
    }
    let digit = |b: u8| {
        if b.is_ascii_digit() {
            b - b'0'
        } else {
            b - b'a' + 10
        }
    };
    let mut out = [0u8; 16];
    for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        *byte = digit(pair[0]) << 4 | digit(pair[1]);
    }
    Some(out)
}

fn hex_id_text(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

/// A record in place: the bytes from its start (they may run on into the
/// records after it).
#[derive(Clone, Copy)]
pub(super) struct Record<'a>(&'a [u8]);

impl<'a> Record<'a> {
    pub(super) fn at(bytes: &'a [u8]) -> Self {
        Record(bytes)
    }

    fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.0[at..at + 4].try_into().unwrap_or([0; 4]))
    }

    fn u64_at(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.0[at..at + 8].try_into().unwrap_or([0; 8]))
    }

    pub(super) fn len(&self) -> usize {
        self.u32_at(0) as usize
    }

    pub(super) fn number(&self) -> u32 {
        self.u32_at(4)
    }

    pub(super) fn row_id(&self) -> i64 {
        self.u64_at(8) as i64
    }

    pub(super) fn workspace(&self) -> u32 {
        self.u32_at(40)
    }

    pub(super) fn product(&self) -> u32 {
        self.u32_at(44)
    }

    /// The task's id, its first text.
    pub(super) fn id(&self) -> Cow<'a, str> {
        self.texts().optional().unwrap_or_default()
    }

    fn texts(&self) -> Texts<'a> {
        Texts {
            bytes: &self.0[..self.len()],
            at: HEADER,
        }
    }

    pub(super) fn to_task(self, shared: &Shared) -> Task {
        let name = |at: usize| shared.name(self.u32_at(at)).to_string();
        let optional = |at: usize| match self.u32_at(at) {
            NONE => None,
            i => Some(i),
        };
        let mut texts = self.texts();
        let id = texts.text();
        let title = texts.text();
        let description = texts.text();
        let due_date = texts.owned();
        let parent = texts.owned();
        let feature = texts.owned();
        let created_at = texts.text();
        let updated_at = texts.text();
        let completed_at = texts.owned();
        let labels = (0..texts.varint()).map(|_| texts.text()).collect();
        let product = name(44);
        let number = i64::from(self.number());
        Task {
            key: keel_domain::values::TaskKey::format(&product, number),
            id,
            workspace_id: name(40),
            product,
            number,
            title,
            description,
            status: name(48),
            priority: name(52),
            task_type: name(56),
            assignee: optional(68).map(|i| shared.people[i as usize].clone()),
            team: optional(64).map(|i| shared.name(i).to_string()),
            estimate: (self.0[72] & HAS_ESTIMATE != 0).then(|| f64::from_bits(self.u64_at(32))),
            due_date,
            labels,
            parent,
            feature,
            created_by: shared.people[self.u32_at(60) as usize].clone(),
            created_at,
            updated_at,
            completed_at,
            rank: f64::from_bits(self.u64_at(24)),
            version: self.u64_at(16) as i64,
        }
    }
}

/// Reads a record's texts in order.
struct Texts<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Texts<'a> {
    fn varint(&mut self) -> u64 {
        let mut n = 0u64;
        let mut shift = 0;
        while let Some(&byte) = self.bytes.get(self.at) {
            self.at += 1;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        n
    }

    fn bytes(&mut self, len: usize) -> &'a [u8] {
        let end = (self.at + len).min(self.bytes.len());
        let bytes = &self.bytes[self.at..end];
        self.at = end;
        bytes
    }

    fn optional(&mut self) -> Option<Cow<'a, str>> {
        match self.varint() {
            ABSENT => None,
            TIMESTAMP => {
                let micros = i64::from_le_bytes(self.bytes(8).try_into().unwrap_or([0; 8]));
                let at = Timestamp::from_unix_micros(micros)?;
                Some(Cow::Owned(at.to_rfc3339()))
            }
            HEX_ID => Some(Cow::Owned(hex_id_text(self.bytes(16)))),
            tag => {
                let text = self.bytes((tag - PLAIN) as usize);
                // Written from a `str`, so always valid.
                Some(Cow::Borrowed(std::str::from_utf8(text).unwrap_or_default()))
            }
        }
    }

    fn text(&mut self) -> String {
        self.optional().unwrap_or_default().into_owned()
    }

    fn owned(&mut self) -> Option<String> {
        self.optional().map(Cow::into_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task_cache::tests::task;

    #[test]
    fn a_record_reads_back_as_the_task_it_was_made_from() {
        let full = Task {
            id: "0190a1b2c3d4e5f60718293a4b5c6d7e".into(),
            // Long enough for a length of two varint bytes.
            description: "## Why\n\nBecause — ünïcode too. ".repeat(20),
            labels: vec!["api".into(), String::new(), "backend".into()],
            parent: Some("KEEL-1".into()),
            feature: Some("0190A1B2C3D4E5F60718293A4B5C6D7E".into()),
            // Not in the stored form: kept as text, read back as it was.
            completed_at: Some("2026-11-29T00:00:00Z".into()),
            rank: -1024.5,
            ..task(42)
        };
        let bare = Task {
            assignee: None,
            team: None,
            estimate: None,
            due_date: None,
            labels: vec![],
            parent: None,
            feature: None,
            completed_at: None,
            description: String::new(),
            ..full.clone()
        };
        let mut shared = Shared::default();
        let mut bytes = Vec::new();
        encode(&full, 9, &mut shared, &mut bytes).unwrap();
        let second = bytes.len();
        encode(&bare, 10, &mut shared, &mut bytes).unwrap();
        let first = Record::at(&bytes);
        assert_eq!(first.len(), second);
        assert_eq!((first.row_id(), first.number()), (9, 42));
        assert_eq!(first.id(), full.id);
        // The id and both stored timestamps took their short forms: 16 and
        // 8 bytes instead of 32 and 27.
        let plain = |t: &str| 1 + t.len() + usize::from(t.len() + 3 >= 0x80);
        let expected = HEADER
            + (1 + 16)
            + plain(&full.title)
            + plain(&full.description)
            + plain("2027-01-02")
            + plain("KEEL-1")
            // Uppercase hex is not an id of ours: kept as text.
            + plain("0190A1B2C3D4E5F60718293A4B5C6D7E")
            + 2 * (1 + 8)
            + plain("2026-11-29T00:00:00Z")
            + 1
            + plain("api")
            + plain("")
            + plain("backend");
        assert_eq!(second, expected);
        assert_eq!(first.to_task(&shared), full);
        let next = Record::at(&bytes[second..]);
        assert_eq!(next.row_id(), 10);
        assert_eq!(next.to_task(&shared), bare);
        let total = bytes.len();
        assert_eq!(second + next.len(), total);
        // A number beyond u32 is not kept, and leaves nothing behind.
        let huge = Task {
            number: i64::from(u32::MAX) + 1,
            ..bare
        };
        assert!(encode(&huge, 11, &mut shared, &mut bytes).is_none());
        assert_eq!(bytes.len(), total);
    }
}
