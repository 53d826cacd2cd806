//! What the desk's Reports screen shows: today's aging, this month's KPIs and the last 30 days
//! of activity, read together.

use chrono::{Datelike, Days};

use super::report_activity::{ActivityReport, Grain};
use super::reports::{AgingReport, KpiReport};
use super::{Desk, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct ReportOverview {
    pub aging: AgingReport,
    /// From the first of this month to today, as `dun report kpi` by default.
    pub kpi: KpiReport,
    /// The last 30 days, today included, day by day.
    pub activity: ActivityReport,
}

impl Desk {
    pub fn report_overview(&self) -> Result<ReportOverview> {
        let today = self.today();
        let month_start = today.with_day(1).unwrap_or(today);
        let thirty_days = today - Days::new(29);
        Ok(ReportOverview {
            aging: self.aging_report(today)?,
            kpi: self.kpi_report(month_start, today)?,
            activity: self.activity_report(thirty_days, today, Some(Grain::Day))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{demo_desk, today};

    #[test]
    fn thirty_days_of_activity_and_this_months_kpis() {
        let desk = demo_desk(30);
        let o = desk.report_overview().unwrap();
        assert_eq!(o.activity.rows.len(), 30);
        assert_eq!(o.activity.to, today());
        assert_eq!(o.kpi.from, "2026-11-01".parse().unwrap());
        assert_eq!(o.aging.as_of, today());
    }
}
