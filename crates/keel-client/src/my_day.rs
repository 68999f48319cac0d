//! My day: the caller's plan for one day. `date` is `YYYY-MM-DD`, the
//! caller's local date; `None` lets the server use today in UTC.

use crate::request::Query;
use crate::{ClientError, KeelClient};
use keel_api_types::{CarryOver, MyDay, MyDayHistory, MyDayItem, MyDayItemPatch, NewMyDayItem};

fn date_query(date: Option<&str>) -> Query {
    date.map(|d| vec![("date", d.to_owned())])
        .unwrap_or_default()
}

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/my-day?date=`: the day's items in order,
    /// and the unfinished items of the last earlier day, offered.
    pub async fn my_day(&self, ws: &str, date: Option<&str>) -> Result<MyDay, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "my-day"],
            &date_query(date),
        )
        .await
    }

    /// `POST /api/v1/workspaces/{ws}/my-day/items`: plans a task (key or id).
    pub async fn add_to_my_day(
        &self,
        ws: &str,
        item: &NewMyDayItem,
    ) -> Result<MyDayItem, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "my-day", "items"], item)
            .await
    }

    /// `PATCH /api/v1/workspaces/{ws}/my-day/items/{id}`: check off or back
    /// on, move, or also mark the task done.
    pub async fn update_my_day_item(
        &self,
        ws: &str,
        id: &str,
        patch: &MyDayItemPatch,
    ) -> Result<MyDayItem, ClientError> {
        self.patch(
            &["api", "v1", "workspaces", ws, "my-day", "items", id],
            patch,
            None,
        )
        .await
    }

    /// `DELETE /api/v1/workspaces/{ws}/my-day/items/{id}`.
    pub async fn remove_from_my_day(&self, ws: &str, id: &str) -> Result<(), ClientError> {
        self.delete(&["api", "v1", "workspaces", ws, "my-day", "items", id])
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/my-day/carry-over`: accepts the offer
    /// (all of it, or the tasks named).
    pub async fn carry_over(&self, ws: &str, body: &CarryOver) -> Result<MyDay, ClientError> {
        self.post(
            &["api", "v1", "workspaces", ws, "my-day", "carry-over"],
            body,
        )
        .await
    }

    /// `GET /api/v1/workspaces/{ws}/my-day/history?date=`: the 14 days
    /// before `date` that held items, newest first.
    pub async fn my_day_history(
        &self,
        ws: &str,
        date: Option<&str>,
    ) -> Result<MyDayHistory, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "my-day", "history"],
            &date_query(date),
        )
        .await
    }
}
