//! The geometry of the dashboard's charts, computed here so the templates only draw: horizontal bars (each row
//! stacked from segments, like tasks of an area by state) and columns (a value per week). Pages draw them as SVG
//! and put the same numbers beside them in a table, so nothing depends on reading the picture.

use serde::Serialize;

/// Where the label column ends and the bars begin, in the SVG's units.
const LABEL_WIDTH: f64 = 170.0;
const ROW_HEIGHT: f64 = 26.0;
const BAR_HEIGHT: f64 = 18.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    pub label_width: f64,
    pub rows: Vec<BarRow>,
    /// The largest row total, which spans the whole bar area.
    pub max: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarRow {
    pub label: String,
    pub total: i64,
    /// The row's baseline (top of the bar) and the text's baseline.
    pub y: f64,
    pub text_y: f64,
    pub bar_height: f64,
    pub segments: Vec<Segment>,
    /// Where the total is written, just after the bar.
    pub total_x: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// What the segment counts ("open"); the class the page colours it by.
    pub key: String,
    pub value: i64,
    pub x: f64,
    pub width: f64,
}

/// Rows of stacked segments, `width` wide; each row `(label, [(key, value)])`.
pub fn bars(rows: &[(String, Vec<(String, i64)>)], width: f64) -> BarChart {
    let max = rows
        .iter()
        .map(|(_, segs)| segs.iter().map(|(_, v)| (*v).max(0)).sum::<i64>())
        .max()
        .unwrap_or(0);
    // Room after the longest bar for its total.
    let area = (width - LABEL_WIDTH - 48.0).max(10.0);
    let scale = if max > 0 { area / max as f64 } else { 0.0 };
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, (label, segs))| {
            let y = 4.0 + i as f64 * ROW_HEIGHT;
            let mut x = LABEL_WIDTH;
            let segments = segs
                .iter()
                .map(|(key, value)| {
                    let w = (*value).max(0) as f64 * scale;
                    let s = Segment {
                        key: key.clone(),
                        value: *value,
                        x: round(x),
                        width: round(w),
                    };
                    x += w;
                    s
                })
                .collect();
            BarRow {
                label: label.clone(),
                total: segs.iter().map(|(_, v)| (*v).max(0)).sum(),
                y,
                text_y: y + BAR_HEIGHT - 4.0,
                bar_height: BAR_HEIGHT,
                segments,
                total_x: round(x + 6.0),
            }
        })
        .collect::<Vec<_>>();
    BarChart {
        width,
        height: 8.0 + rows.len() as f64 * ROW_HEIGHT,
        label_width: LABEL_WIDTH,
        rows,
        max,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnChart {
    pub width: f64,
    pub height: f64,
    /// The baseline the columns stand on.
    pub base_y: f64,
    pub columns: Vec<Column>,
    pub max: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub label: String,
    pub value: i64,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The centre, for the label under the column and the value above it.
    pub mid: f64,
}

/// One column per `(label, value)`, in a chart `width` by `height`, labels under the baseline.
pub fn columns(data: &[(String, i64)], width: f64, height: f64) -> ColumnChart {
    let max = data.iter().map(|(_, v)| (*v).max(0)).max().unwrap_or(0);
    let base_y = height - 22.0;
    let top = 16.0;
    let slot = if data.is_empty() {
        0.0
    } else {
        width / data.len() as f64
    };
    let scale = if max > 0 {
        (base_y - top) / max as f64
    } else {
        0.0
    };
    let columns = data
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let h = (*value).max(0) as f64 * scale;
            let x = i as f64 * slot + slot * 0.15;
            Column {
                label: label.clone(),
                value: *value,
                x: round(x),
                y: round(base_y - h),
                width: round(slot * 0.7),
                height: round(h),
                mid: round(i as f64 * slot + slot / 2.0),
            }
        })
        .collect();
    ColumnChart {
        width,
        height,
        base_y,
        columns,
        max,
    }
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, segs: &[(&str, i64)]) -> (String, Vec<(String, i64)>) {
        (
            label.into(),
            segs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        )
    }

    #[test]
    fn the_longest_row_spans_the_bar_area_and_segments_follow_each_other() {
        let chart = bars(
            &[
                row("PCI", &[("open", 3), ("claimed", 1)]),
                row("Networking", &[("open", 2)]),
            ],
            600.0,
        );
        assert_eq!(chart.max, 4);
        let pci = &chart.rows[0];
        assert_eq!(pci.total, 4);
        assert_eq!(pci.segments[0].x, LABEL_WIDTH);
        assert_eq!(pci.segments[0].x + pci.segments[0].width, pci.segments[1].x);
        let area = 600.0 - LABEL_WIDTH - 48.0;
        assert!((pci.segments[0].width + pci.segments[1].width - area).abs() < 0.2);
        assert!((chart.rows[1].segments[0].width - area / 2.0).abs() < 0.2);
        assert!(chart.rows[1].y > pci.y);
        assert_eq!(chart.height, 8.0 + 2.0 * ROW_HEIGHT);
    }

    #[test]
    fn columns_stand_on_the_baseline_scaled_to_the_largest() {
        let chart = columns(
            &[("w1".into(), 0), ("w2".into(), 5), ("w3".into(), 10)],
            300.0,
            160.0,
        );
        assert_eq!(chart.max, 10);
        let [a, b, c] = &chart.columns[..] else {
            panic!()
        };
        assert_eq!(a.height, 0.0);
        assert_eq!(a.y, chart.base_y);
        assert!((b.height * 2.0 - c.height).abs() < 0.2);
        assert_eq!(c.y, 16.0);
        assert!(a.x < b.x && b.x < c.x);
    }

    #[test]
    fn no_data_draws_nothing_and_divides_by_nothing() {
        assert!(bars(&[], 600.0).rows.is_empty());
        let empty = bars(&[row("PCI", &[("open", 0)])], 600.0);
        assert_eq!(empty.rows[0].segments[0].width, 0.0);
        assert!(columns(&[], 300.0, 160.0).columns.is_empty());
        assert_eq!(
            columns(&[("w".into(), 0)], 300.0, 160.0).columns[0].height,
            0.0
        );
    }
}
