//! The output's timeline: replicas are planned when their start comes due and their
//! packets merged in time order through a heap, one frame written at a time. Only the
//! replicas in flight are held, whatever the output's size.

use std::cmp::Ordering;
use std::collections::binary_heap::{BinaryHeap, PeekMut};
use std::io::{self, Write};

use crate::impair::{Impairer, Impairments};
use crate::manifest::ManifestRow;
use crate::replica::Replica;
use crate::rng::Rng;
use crate::schedule::Schedule;
use crate::seed::{Seed, Template};
use crate::writer::CaptureWriter;
use crate::Options;

/// Salt of the impairment streams: distinct from the main stream's for the same seed.
const IMPAIRMENT_STREAM: u64 = 0x696d_7061_6972;

/// What the merge wrote.
pub struct Merged {
    pub rows: Vec<ManifestRow>,
    pub frames: u64,
    pub impairments: Impairments,
}

/// Writes replicas of `seed`'s templates until the next one would pass the target size.
pub fn write_replicas<W: Write>(seed: &Seed, options: &Options, writer: &mut CaptureWriter<W>) -> io::Result<Merged> {
    let mut timeline = Timeline {
        templates: &seed.templates,
        options,
        base_ns: epoch_nanos(seed.first_timestamp),
        schedule: Schedule::new(options.random_seed, &seed.templates, options.concurrency, options.server_port),
        planned_bytes: writer.bytes_written(),
        planning: true,
        in_flight: BinaryHeap::new(),
        merged: Merged { rows: Vec::new(), frames: 0, impairments: Impairments::default() },
    };
    loop {
        timeline.plan_due(writer);
        if !timeline.write_earliest(writer)? {
            return Ok(timeline.merged);
        }
    }
}

struct Timeline<'a> {
    templates: &'a [Template],
    options: &'a Options,
    /// The capture's start (the seed's first timestamp), nanoseconds since the epoch.
    base_ns: u64,
    schedule: Schedule,
    /// Bytes the file will hold once the replicas planned so far are written.
    planned_bytes: u64,
    planning: bool,
    in_flight: BinaryHeap<InFlight>,
    merged: Merged,
}

impl Timeline<'_> {
    /// Plans every replica starting before the earliest pending packet: the merge then
    /// never meets a packet older than one it wrote.
    fn plan_due<W: Write>(&mut self, writer: &CaptureWriter<W>) {
        while self.planning && self.in_flight.peek().map_or(true, |top| self.schedule.next_start_ns() <= top.0.time) {
            let plan = self.schedule.plan(self.templates);
            let template = &self.templates[plan.template];
            // Each replica's own stream: impairing one changes nothing else.
            let rng = Rng::derived(self.options.random_seed, IMPAIRMENT_STREAM, plan.index);
            let mut impairer = Impairer::new(self.options.impairments, rng);
            let replica = Replica::new(plan, template, &mut impairer, self.merged.rows.len());
            let len = replica.output_len(template, writer);
            if self.planned_bytes + len > self.options.target_size {
                self.planning = false;
                return;
            }
            if replica.is_empty() {
                continue;
            }
            self.planned_bytes += len;
            self.merged.impairments += replica.impairments;
            self.merged.rows.push(row(&replica, template, self.base_ns));
            let key = MergeKey { time: replica.next_time(), replica: replica.plan.index };
            self.in_flight.push(InFlight(key, Box::new(replica)));
        }
    }

    /// Writes the earliest pending packet; false when none is left.
    fn write_earliest<W: Write>(&mut self, writer: &mut CaptureWriter<W>) -> io::Result<bool> {
        let Some(mut top) = self.in_flight.peek_mut() else { return Ok(false) };
        let replica = &mut top.1;
        self.merged.frames += 1;
        if replica.is_first_packet_next() {
            self.merged.rows[replica.row].first_frame = self.merged.frames;
        }
        if replica.write_next(&self.templates[replica.plan.template], self.base_ns, writer)? {
            top.0.time = top.1.next_time();
        } else {
            top.1.release();
            PeekMut::pop(top);
        }
        Ok(true)
    }
}

fn row(replica: &Replica, template: &Template, base_ns: u64) -> ManifestRow {
    ManifestRow {
        first_frame: 0,
        client: replica.plan.client,
        server: replica.plan.server,
        transport: template.transport(),
        start_ns: base_ns + replica.plan.start_ns,
        template: template.index,
        label: template.label.clone().unwrap_or_else(|| "-".into()),
        impairments: replica.impairments,
    }
}

fn epoch_nanos(ts: tlsdoctor_capture::Timestamp) -> u64 {
    (ts.secs.max(0) as u64).saturating_mul(1_000_000_000).saturating_add(u64::from(ts.nanos))
}

/// The merge's order: earliest next packet first, then the replica planned first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct MergeKey {
    time: u64,
    replica: u64,
}

struct InFlight(MergeKey, Box<Replica>);

impl PartialEq for InFlight {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for InFlight {}

impl PartialOrd for InFlight {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for InFlight {
    /// Reversed: `BinaryHeap` is a max-heap and the merge wants the earliest.
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.cmp(&self.0)
    }
}
