//! Each client's message thread, and the per-thread read state behind the
//! staff inbox. Unread counts come from the domain's `unread_count`.

use crate::convert::{author, id, micros, parse_id};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode};
use crate::table::{insert, select_pairs, select_where, table, upsert};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::conversation::{Conversation, ConversationEvent, Side, unread_count};
use cma_domain::ids::{ClientId, MessageId};
use cma_store::Recorded;
use std::collections::{HashMap, HashSet};

pub struct MessagesView;

table! {
    /// One message, numbered in its thread.
    struct MessageRow in "messages" key (message_id) {
        message_id: String,
        client_id: String,
        /// 1, 2, ... in the thread.
        seq: i64,
        /// `client` or `staff`.
        author: String,
        author_id: String,
        text: String,
        at: i64,
    }
}

table! {
    /// A client's thread: who wrote each message, and each side's marker.
    struct ThreadRow in "message_threads" key (client_id) {
        client_id: String,
        /// One letter per message: `c` client, `s` staff.
        sides: String,
        staff_read: i64,
        client_read: i64,
        staff_unread: i64,
        client_unread: i64,
        last_message_at: Option<i64>,
    }
}

/// A thread folded so far: who wrote each message, and each side's marker.
#[derive(Default)]
struct Thread {
    sides: Vec<Side>,
    staff_read: usize,
    client_read: usize,
    last_message_at: Option<i64>,
}

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

impl ThreadRow {
    fn new(client: ClientId, t: &Thread) -> Self {
        let unread = |side| int(unread_count(t.sides.iter().copied(), t.read(side), side));
        Self {
            client_id: id(client.0),
            sides: t.sides.iter().copied().map(side_letter).collect(),
            staff_read: int(t.staff_read),
            client_read: int(t.client_read),
            staff_unread: unread(Side::Staff),
            client_unread: unread(Side::Client),
            last_message_at: t.last_message_at,
        }
    }

    fn thread(self) -> Result<(ClientId, Thread), ProjectionError> {
        let sides = self
            .sides
            .chars()
            .map(|c| match c {
                'c' => Ok(Side::Client),
                's' => Ok(Side::Staff),
                _ => Err(ProjectionError::corrupt("thread sides", &self.sides)),
            })
            .collect::<Result<_, _>>()?;
        let thread = Thread {
            sides,
            staff_read: count(self.staff_read),
            client_read: count(self.client_read),
            last_message_at: self.last_message_at,
        };
        Ok((parse_id(&self.client_id)?, thread))
    }
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
        let mut threads = HashMap::new();
        for row in select_where::<ThreadRow>(tx, tables, "client_id", client_ids).await? {
            let (client, thread) = row.thread()?;
            threads.insert(client, thread);
        }
        // Where each message marked read sits in its thread.
        let mut seqs: HashMap<MessageId, usize> = HashMap::new();
        let columns = ("message_id", "seq");
        for (message, seq) in
            select_pairs::<MessageRow, String, i64>(tx, tables, columns, "message_id", marks)
                .await?
        {
            seqs.insert(parse_id(&message)?, count(seq));
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
                    messages.push(MessageRow {
                        message_id: id(e.message.0),
                        client_id: id(e.client.0),
                        seq: int(seq),
                        author: kind.to_owned(),
                        author_id,
                        text: e.text,
                        at,
                    });
                }
                ConversationEvent::MarkedRead(e) => {
                    let read = seqs.get(&e.up_to).copied().unwrap_or(0);
                    threads.entry(e.client).or_default().mark(e.side, read);
                }
            }
        }
        insert(tx, tables, messages).await?;
        upsert(
            tx,
            tables,
            threads.iter().map(|(c, t)| ThreadRow::new(*c, t)),
        )
        .await
    }
}
