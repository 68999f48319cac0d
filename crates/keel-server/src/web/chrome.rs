//! What every page frame shows: who is signed in, the workspace switcher,
//! the products of the current workspace, and the current section.

use super::error::{PageError, not_found};
use super::session::WebUser;
use crate::AppState;
use keel_domain::model::WorkspaceAccess;
use keel_domain::{Permission, Role};
use keel_store::repo;

/// A link in the navigation.
pub struct NavItem {
    pub key: String,
    pub name: String,
}

/// A product view in the tab bar of every product page.
pub struct ProductTab {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// The product views, in the order a PM walks them — from the work, to what
/// customers said, to what to build and why — as (path after the product,
/// label, the `section` that marks it current). One list, so every product
/// page shows the same tabs.
const PRODUCT_TABS: &[(&str, &str, &str)] = &[
    ("", "Board", "board"),
    ("/list", "List", "list"),
    ("/feedback", "Feedback", "feedback"),
    ("/ideas", "Ideas", "ideas"),
    ("/features", "Features", "features"),
    ("/strategy", "Strategy", "strategy"),
    ("/goals", "Goals", "goals"),
    ("/roadmaps", "Roadmap", "roadmaps"),
    ("/releases", "Releases", "releases"),
    ("/decisions", "Decisions", "decisions"),
    ("/update", "Update", "update"),
    ("/journeys", "Journeys", "journeys"),
    ("/market", "Market", "market"),
];

/// The page frame's data.
pub struct Chrome {
    pub title: String,
    pub asset_version: String,
    pub csrf: String,
    pub signed_in: bool,
    pub user_name: String,
    pub user_email: String,
    pub workspaces: Vec<NavItem>,
    /// Current workspace slug, or empty.
    pub ws: String,
    pub ws_name: String,
    pub role: String,
    /// The role itself, for permission checks in templates.
    pub access_role: Option<Role>,
    pub products: Vec<NavItem>,
    /// Current product key, or empty.
    pub product: String,
    /// Which navigation entry is current: board, list, my-day, settings …
    pub section: &'static str,
    /// The workspace's latest event number when the page was rendered;
    /// the live stream resumes after it.
    pub seq: i64,
    /// The signed-in user's unread notifications in this workspace.
    pub unread: i64,
}

impl Chrome {
    /// The frame of a page shown before signing in.
    pub fn bare(title: &str) -> Chrome {
        Chrome {
            title: title.to_string(),
            asset_version: super::assets::version(),
            csrf: String::new(),
            signed_in: false,
            user_name: String::new(),
            user_email: String::new(),
            workspaces: vec![],
            ws: String::new(),
            ws_name: String::new(),
            role: String::new(),
            access_role: None,
            products: vec![],
            product: String::new(),
            section: "",
            seq: 0,
            unread: 0,
        }
    }

    /// The frame for a signed-in user outside any workspace.
    pub async fn for_user(
        app: &AppState,
        user: &WebUser,
        title: &str,
    ) -> Result<Chrome, PageError> {
        let all = repo::workspaces::list_for_user(app.store.db(), &user.0.user.id).await?;
        Ok(Chrome {
            title: title.to_string(),
            csrf: user.csrf().to_string(),
            signed_in: true,
            user_name: user.0.user.name.clone(),
            user_email: user.0.user.email.clone(),
            workspaces: all
                .iter()
                .map(|a| NavItem {
                    key: a.workspace.slug.clone(),
                    name: a.workspace.name.clone(),
                })
                .collect(),
            ..Chrome::bare(title)
        })
    }

    /// The frame inside a workspace; 404 unless the user is an active member.
    pub async fn for_workspace(
        app: &AppState,
        user: &WebUser,
        slug: &str,
        title: &str,
        section: &'static str,
    ) -> Result<(Chrome, WorkspaceAccess), PageError> {
        let access = repo::workspaces::access(app.store.db(), slug, &user.0.user.id)
            .await?
            .ok_or_else(|| not_found("workspace"))?;
        let mut chrome = Chrome::for_user(app, user, title).await?;
        let products = repo::products::list(app.store.db(), &access.workspace.id).await?;
        chrome.ws = access.workspace.slug.clone();
        chrome.ws_name = access.workspace.name.clone();
        chrome.role = access.role.as_str().to_string();
        chrome.access_role = Some(access.role);
        chrome.products = products
            .into_iter()
            .map(|p| NavItem {
                key: p.key,
                name: p.name,
            })
            .collect();
        chrome.section = section;
        chrome.seq = repo::events::latest_seq(app.store.db(), &access.workspace.id).await?;
        chrome.unread = repo::notifications::unread_count(
            app.store.db(),
            &access.workspace.id,
            &user.0.user.id,
        )
        .await?;
        Ok((chrome, access))
    }

    /// The user's initials, for the avatar.
    /// The tabs of the current product's views (`templates/product_tabs.html`).
    pub fn product_tabs(&self) -> Vec<ProductTab> {
        PRODUCT_TABS
            .iter()
            .map(|(path, label, section)| ProductTab {
                href: format!("/w/{}/p/{}{path}", self.ws, self.product),
                label,
                current: *section == self.section,
            })
            .collect()
    }

    pub fn initial(&self) -> String {
        super::board::initials(&self.user_name)
    }

    /// Whether the signed-in user may change work items here.
    pub fn can_write(&self) -> bool {
        self.access_role
            .is_some_and(|r| r.allows(Permission::Write))
    }

    /// Whether the signed-in user may see customers and companies here
    /// (every role but guest: guests are often customers themselves).
    pub fn can_read_customers(&self) -> bool {
        self.access_role
            .is_some_and(|r| r.allows(Permission::ReadCustomers))
    }

    /// Whether the signed-in user may comment here (guests may, viewers not).
    pub fn can_comment(&self) -> bool {
        self.access_role
            .is_some_and(|r| r.allows(Permission::Comment))
    }

    /// Whether the signed-in user may manage products and members here.
    pub fn can_manage(&self) -> bool {
        self.access_role
            .is_some_and(|r| r.allows(Permission::ManageProducts))
    }
}
