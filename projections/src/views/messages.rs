//! Each client's message thread, and the per-thread read state behind the
//! staff inbox. Unread counts come from the domain's `unread_count`.

use crate::bulk::{Columns, Table, select_in};
use crate::convert::{author, id, micros, parse_id};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode};
use crate::tx::{Fields, Kind, Row, Tx};
use async_trait::async_trait;
use cma_domain::conversation::{Conversation, ConversationEvent, Side, unread_count};
use cma_domain::ids::{ClientId, MessageId};
use cma_store::Recorded;
use std::collections::{HashMap, HashSet};

pub struct MessagesView;

const MESSAGE_COLUMNS: &[&str] = &[
    "message_id",
    "client_id",
    "seq",
    "author",
    "author_id",
    "text",
    "at",
];
const THREAD_COLUMNS: &[&str] = &[
    "client_id",
    "sides",
    "staff_read",
    "client_read",
    "staff_unread",
    "client_unread",
    "last_message_at",
];

/// A thread folded so far: who wrote each message, and each side's marker.
#[derive(Default)]
struct Thread {
    sides: Vec<Side>,
    staff_read: usize,
    client_read: usize,
    last_message_at: Option<i64>,
}

/// What a later batch reads back of a thread.
const THREAD_READ: &Columns = &[
    ("client_id", Kind::Text),
    ("sides", Kind::Text),
    ("staff_read", Kind::Int),
    ("client_read", Kind::Int),
    ("last_message_at", Kind::Int),
];
/// What a later batch reads back of a message: its place in the thread.
const SEQ_READ: &Columns = &[("message_id", Kind::Text), ("seq", Kind::Int)];

fn side_letter(side: Side) -> char {
    match side {
        Side::Client => 'c',
        Side::Staff => 's',
    }
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

fn int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn thread(mut f: Fields) -> Result<(ClientId, Thread), ProjectionError> {
    let client = parse_id(&f.text()?)?;
    let letters = f.text()?;
    let sides = letters
        .chars()
        .map(|c| match c {
            'c' => Ok(Side::Client),
            's' => Ok(Side::Staff),
            _ => Err(ProjectionError::corrupt("thread sides", &letters)),
        })
        .collect::<Result<_, _>>()?;
    Ok((
        client,
        Thread {
            sides,
            staff_read: count(f.int()?),
            client_read: count(f.int()?),
            last_message_at: f.opt_int()?,
        },
    ))
}

fn thread_row(client: ClientId, t: &Thread) -> Row {
    let unread = |side| int(unread_count(t.sides.iter().copied(), t.read(side), side));
    vec![
        id(client.0).into(),
        t.sides
            .iter()
            .copied()
            .map(side_letter)
            .collect::<String>()
            .into(),
        int(t.staff_read).into(),
        int(t.client_read).into(),
        unread(Side::Staff).into(),
        unread(Side::Client).into(),
        t.last_message_at.into(),
    ]
}

impl Thread {
    fn read(&self, side: Side) -> usize {
        match side {
            Side::Staff => self.staff_read,
            Side::Client => self.client_read,
        }
    }

    /// Moves a side's marker forward (never back) to `read` messages.
    fn mark(&mut self, side: Side, read: usize) {
        let marker = match side {
            Side::Staff => &mut self.staff_read,
            Side::Client => &mut self.client_read,
        };
        *marker = (*marker).max(read);
    }
}

#[async_trait]
impl Projector for MessagesView {
    fn name(&self) -> &'static str {
        "messages"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["messages", "message_threads"]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        let mut mine = Vec::new();
        let mut clients = HashSet::new();
        let mut posted = HashSet::new();
        let mut marks = Vec::new();
        for recorded in events {
            if let Some(event) = decode::<Conversation>(recorded)? {
                match &event {
                    ConversationEvent::Posted(e) => {
                        clients.insert(e.client);
                        posted.insert(e.message);
                    }
                    ConversationEvent::MarkedRead(e) => {
                        clients.insert(e.client);
                        if !posted.contains(&e.up_to) {
                            marks.push(id(e.up_to.0));
                        }
                    }
                }
                mine.push((recorded, event));
            }
        }
        if mine.is_empty() {
            return Ok(());
        }
        let client_ids: Vec<String> = clients.iter().map(|c| id(c.0)).collect();
        let thread_table = tables.of("message_threads");
        let mut threads = HashMap::new();
        for fields in select_in(tx, &thread_table, THREAD_READ, "client_id", client_ids).await? {
            let (client, thread) = thread(fields)?;
            threads.insert(client, thread);
        }
        let message_table = tables.of("messages");
        let mut seqs: HashMap<MessageId, usize> = HashMap::new();
        for mut f in select_in(tx, &message_table, SEQ_READ, "message_id", marks).await? {
            seqs.insert(parse_id(&f.text()?)?, count(f.int()?));
        }
        let mut messages = Vec::new();
        for (recorded, event) in mine {
            match event {
                ConversationEvent::Posted(e) => {
                    let at = micros(recorded.event.recorded_at);
                    let thread: &mut Thread = threads.entry(e.client).or_default();
                    thread.sides.push(Side::of(e.author));
                    thread.last_message_at = Some(at);
                    let seq = thread.sides.len();
                    seqs.insert(e.message, seq);
                    let (kind, author_id) = author(e.author);
                    messages.push(vec![
                        id(e.message.0).into(),
                        id(e.client.0).into(),
                        int(seq).into(),
                        kind.into(),
                        author_id.into(),
                        e.text.into(),
                        at.into(),
                    ]);
                }
                ConversationEvent::MarkedRead(e) => {
                    let read = seqs.get(&e.up_to).copied().unwrap_or(0);
                    threads.entry(e.client).or_default().mark(e.side, read);
                }
            }
        }
        Table {
            name: &message_table,
            columns: MESSAGE_COLUMNS,
            key: 1,
        }
        .insert(tx, messages)
        .await?;
        Table {
            name: &thread_table,
            columns: THREAD_COLUMNS,
            key: 1,
        }
        .upsert(tx, threads.iter().map(|(c, t)| thread_row(*c, t)).collect())
        .await
    }
}
