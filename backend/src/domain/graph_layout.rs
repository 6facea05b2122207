//! Laying out a prerequisite graph for drawing: each task in a column after everything it waits for (its layer,
//! the longest chain of prerequisites before it), columns left to right, and a line for each edge. The page
//! draws the result as SVG; nothing here knows about markup.

use serde::Serialize;

use crate::domain::task::TaskState;

pub const NODE_WIDTH: u32 = 210;
pub const LINE_HEIGHT: u32 = 16;
const PAD: u32 = 10;
const GAP_X: u32 = 56;
const GAP_Y: u32 = 14;
/// Characters a line of a node's title holds.
const LINE_CHARS: usize = 25;

/// A task to draw.
#[derive(Debug, Clone)]
pub struct GraphNode {
    pub slug: String,
    pub title: String,
    pub state: TaskState,
    /// From another area (drawn as a reference, not as one of this graph's own tasks).
    pub foreign: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlacedNode {
    pub slug: String,
    pub title: String,
    /// The title wrapped into lines.
    pub lines: Vec<String>,
    pub state: TaskState,
    pub foreign: bool,
    /// The task the graph is about (the task page's own task).
    pub focus: bool,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct PlacedEdge {
    pub x1: u32,
    pub y1: u32,
    pub x2: u32,
    pub y2: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<PlacedEdge>,
}

/// Wrap `title` into lines of at most [`LINE_CHARS`] characters, by words (a longer word is split). Nothing is
/// cut: the drawn text is the link's whole accessible name.
pub fn wrap(title: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let pieces = title.split_whitespace().flat_map(|word| {
        let chars: Vec<char> = word.chars().collect();
        chars
            .chunks(LINE_CHARS)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
    });
    for word in pieces {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > LINE_CHARS {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Lay out `nodes` with `edges` as (required, waiting) index pairs; `focus` marks one node. Nodes keep their
/// given order within a column. Edges that would close a cycle (the catalog has none) are ignored for layering.
pub fn layered(nodes: &[GraphNode], edges: &[(usize, usize)], focus: Option<usize>) -> Layout {
    let n = nodes.len();
    let mut layer = vec![0u32; n];
    // Longest-path layering by relaxation: at most n rounds in an acyclic graph.
    for _ in 0..n {
        let mut moved = false;
        for &(req, task) in edges {
            if req < n && task < n && req != task && layer[task] < layer[req] + 1 {
                layer[task] = layer[req] + 1;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    let columns = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut next_y = vec![PAD; columns as usize];
    let mut placed = Vec::with_capacity(n);
    for (i, node) in nodes.iter().enumerate() {
        let lines = wrap(&node.title);
        // The title's lines and one line for the state.
        let height = LINE_HEIGHT * (lines.len() as u32 + 1) + PAD;
        let col = layer[i] as usize;
        let y = next_y[col];
        next_y[col] += height + GAP_Y;
        placed.push(PlacedNode {
            slug: node.slug.clone(),
            title: node.title.clone(),
            lines,
            state: node.state,
            foreign: node.foreign,
            focus: focus == Some(i),
            x: PAD + layer[i] * (NODE_WIDTH + GAP_X),
            y,
            width: NODE_WIDTH,
            height,
        });
    }
    let edges = edges
        .iter()
        .filter(|&&(r, t)| r < n && t < n && layer[r] < layer[t])
        .map(|&(r, t)| {
            let (a, b) = (&placed[r], &placed[t]);
            PlacedEdge {
                x1: a.x + a.width,
                y1: a.y + a.height / 2,
                x2: b.x,
                y2: b.y + b.height / 2,
            }
        })
        .collect();
    Layout {
        width: PAD * 2 + columns * NODE_WIDTH + columns.saturating_sub(1) * GAP_X,
        height: next_y.iter().copied().max().unwrap_or(PAD) + PAD,
        nodes: placed,
        edges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(slug: &str) -> GraphNode {
        GraphNode {
            slug: slug.into(),
            title: format!("Task {slug}"),
            state: TaskState::Open,
            foreign: false,
        }
    }

    #[test]
    fn each_task_sits_after_everything_it_waits_for() {
        // a <- b <- c, and a <- c directly: c is in the third column, not the second.
        let nodes = [node("a"), node("b"), node("c"), node("d")];
        let layout = layered(&nodes, &[(0, 1), (1, 2), (0, 2)], Some(1));
        let xs: Vec<u32> = layout.nodes.iter().map(|n| n.x).collect();
        assert_eq!(
            xs,
            [
                PAD,
                PAD + NODE_WIDTH + GAP_X,
                PAD + 2 * (NODE_WIDTH + GAP_X),
                PAD
            ]
        );
        // d waits for nothing: first column, under a.
        assert!(layout.nodes[3].y > layout.nodes[0].y);
        assert!(layout.nodes[1].focus && !layout.nodes[0].focus);
        assert_eq!(layout.edges.len(), 3);
        let e = layout.edges[0];
        assert_eq!((e.x1, e.x2), (PAD + NODE_WIDTH, PAD + NODE_WIDTH + GAP_X));
        assert_eq!(layout.width, 2 * PAD + 3 * NODE_WIDTH + 2 * GAP_X);
        assert!(layout.nodes.iter().all(|n| n.y + n.height <= layout.height));
    }

    #[test]
    fn long_titles_wrap_by_words_and_lose_nothing() {
        let title = "Upstream the dma_fence abstraction carried by the Apple AGX driver";
        let lines = wrap(title);
        assert!(lines.len() > 2);
        assert!(
            lines.iter().all(|l| l.chars().count() <= LINE_CHARS),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), title);
        assert_eq!(wrap("Short"), ["Short"]);
        let long_word = "x".repeat(40);
        assert_eq!(wrap(&long_word), ["x".repeat(25), "x".repeat(15)]);
    }

    #[test]
    fn an_empty_graph_has_a_size() {
        let layout = layered(&[], &[], None);
        assert!(layout.nodes.is_empty());
        assert_eq!(layout.height, 2 * PAD);
    }
}
