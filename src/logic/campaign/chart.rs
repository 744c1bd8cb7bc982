//! Geometry of the dashboard's bar chart (progress against targets), computed here so the SVG
//! is a plain rendering of numbers that are tested natively.

/// One bar of a group.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// CSS class of the bar (`target`, `approved`, `named`).
    pub class: &'static str,
    pub label: &'static str,
    pub value: u32,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A group of bars above one label (a category).
#[derive(Clone, Debug, PartialEq)]
pub struct BarGroup {
    pub label: String,
    pub label_x: f64,
    pub bars: Vec<Bar>,
}

/// A laid-out chart: `width`×`height`, baseline at `baseline_y`, `scale_max` at the top.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub baseline_y: f64,
    pub scale_max: u32,
    pub groups: Vec<BarGroup>,
}

/// What one group shows: label and (class, series label, value) bars.
pub type GroupInput = (String, Vec<(&'static str, &'static str, u32)>);

pub const CHART_WIDTH: f64 = 720.0;
pub const CHART_HEIGHT: f64 = 260.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 40.0;
const LEFT: f64 = 40.0;
const GAP: f64 = 24.0;

/// Lay out `groups` in a chart of the fixed size. The scale's top is the largest value (at
/// least 1), so a value of 0 draws no bar and the largest reaches the top.
pub fn layout(groups: &[GroupInput]) -> Chart {
    let scale_max =
        groups.iter().flat_map(|(_, bars)| bars.iter().map(|b| b.2)).max().unwrap_or(0).max(1);
    let plot_height = CHART_HEIGHT - TOP - BOTTOM;
    let baseline_y = CHART_HEIGHT - BOTTOM;
    let n = groups.len().max(1) as f64;
    let group_width = (CHART_WIDTH - LEFT - GAP * (n + 1.0)) / n;
    let groups = groups
        .iter()
        .enumerate()
        .map(|(i, (label, bars))| {
            let x0 = LEFT + GAP + i as f64 * (group_width + GAP);
            let bar_width = group_width / bars.len().max(1) as f64;
            let bars = bars
                .iter()
                .enumerate()
                .map(|(j, (class, series, value))| {
                    let height = plot_height * f64::from(*value) / f64::from(scale_max);
                    Bar {
                        class,
                        label: series,
                        value: *value,
                        x: x0 + j as f64 * bar_width,
                        y: baseline_y - height,
                        width: (bar_width - 2.0).max(1.0),
                        height,
                    }
                })
                .collect();
            BarGroup { label: label.clone(), label_x: x0 + group_width / 2.0, bars }
        })
        .collect();
    Chart { width: CHART_WIDTH, height: CHART_HEIGHT, baseline_y, scale_max, groups }
}
