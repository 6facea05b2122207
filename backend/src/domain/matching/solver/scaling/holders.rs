//! Each mentor's holders, kept as a binary min-heap on their slack inside the mentor's slot range, with each
//! newcomer's slot remembered. A mentor of capacity 500 that evicts its least committed holder then costs a few
//! dozen steps instead of a scan of all 500, and finding a newcomer's slot costs nothing.

use super::State;

impl State<'_> {
    /// The slot newcomer `i` holds at mentor `j`.
    pub(super) fn find_slot(&self, j: usize, i: u32) -> usize {
        let s = self.slot_of[i as usize] as usize;
        debug_assert_eq!(self.holder[s], i, "newcomer {i} is not at mentor {j}");
        s
    }

    /// The lowest-slack holder of mentor `j`, if any.
    pub(super) fn least_slack(&self, j: usize) -> Option<usize> {
        (self.load[j] > 0).then_some(self.slot_start[j] as usize)
    }

    /// Newcomer `i` joins mentor `j`'s holders with `slack`.
    pub(super) fn add_holder(&mut self, j: usize, i: u32, slack: i64) {
        let s = self.slot_start[j] as usize + self.load[j] as usize;
        self.load[j] += 1;
        self.place(s, i, slack);
        self.sift_up(j, s);
    }

    /// The holder in slot `s` of mentor `j` leaves.
    pub(super) fn remove_slot(&mut self, j: usize, s: usize) {
        let last = self.slot_start[j] as usize + self.load[j] as usize - 1;
        self.load[j] -= 1;
        if s != last {
            let (i, slack) = (self.holder[last], self.slack[last]);
            self.place(s, i, slack);
            self.restore(j, s);
        }
    }

    /// The holder in slot `s` of mentor `j` now has `slack`.
    pub(super) fn set_slack(&mut self, j: usize, s: usize, slack: i64) {
        self.slack[s] = slack;
        self.restore(j, s);
    }

    /// Rebuilds mentor `j`'s heap after its slacks were all rewritten.
    pub(super) fn heapify(&mut self, j: usize) {
        let n = self.load[j] as usize;
        let first = self.slot_start[j] as usize;
        for k in (0..n / 2).rev() {
            self.sift_down(j, first + k);
        }
    }

    fn place(&mut self, s: usize, i: u32, slack: i64) {
        self.holder[s] = i;
        self.slack[s] = slack;
        self.slot_of[i as usize] = s as u32;
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.holder.swap(a, b);
        self.slack.swap(a, b);
        self.slot_of[self.holder[a] as usize] = a as u32;
        self.slot_of[self.holder[b] as usize] = b as u32;
    }

    fn restore(&mut self, j: usize, s: usize) {
        let s = self.sift_up(j, s);
        self.sift_down(j, s);
    }

    fn sift_up(&mut self, j: usize, mut s: usize) -> usize {
        let first = self.slot_start[j] as usize;
        while s > first {
            let parent = first + (s - first - 1) / 2;
            if self.slack[parent] <= self.slack[s] {
                break;
            }
            self.swap(parent, s);
            s = parent;
        }
        s
    }

    fn sift_down(&mut self, j: usize, mut s: usize) {
        let first = self.slot_start[j] as usize;
        let end = first + self.load[j] as usize;
        loop {
            let left = first + 2 * (s - first) + 1;
            if left >= end {
                break;
            }
            let right = left + 1;
            let child = if right < end && self.slack[right] < self.slack[left] {
                right
            } else {
                left
            };
            if self.slack[s] <= self.slack[child] {
                break;
            }
            self.swap(s, child);
            s = child;
        }
    }
}
