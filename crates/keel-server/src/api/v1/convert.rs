//! Domain records to wire types.

use keel_api_types as wire;
use keel_domain::model;

pub fn person(p: &model::PersonRef) -> wire::PersonRef {
    wire::PersonRef {
        id: p.id.clone(),
        name: p.name.clone(),
        email: p.email.clone(),
    }
}

pub fn user(u: &model::User) -> wire::User {
    wire::User {
        id: u.id.clone(),
        email: u.email.clone(),
        name: u.name.clone(),
        is_admin: u.is_admin,
        created_at: u.created_at.clone(),
    }
}

pub fn workspace(w: &model::Workspace, role: keel_domain::Role) -> wire::Workspace {
    wire::Workspace {
        id: w.id.clone(),
        name: w.name.clone(),
        slug: w.slug.clone(),
        role: role.as_str().to_string(),
        created_at: w.created_at.clone(),
        version: w.version,
    }
}

pub fn membership(m: &model::Membership, slug: &str) -> wire::Membership {
    wire::Membership {
        workspace: slug.to_string(),
        user: person(&m.user),
        role: m.role.as_str().to_string(),
        active: m.active,
        created_at: m.created_at.clone(),
        version: m.version,
    }
}

pub fn product(p: &model::Product) -> wire::Product {
    wire::Product {
        id: p.id.clone(),
        key: p.key.clone(),
        name: p.name.clone(),
        vision: p.vision.clone(),
        portal_enabled: p.portal_enabled,
        portal_intro: p.portal_intro.clone(),
        created_at: p.created_at.clone(),
        updated_at: p.updated_at.clone(),
        version: p.version,
    }
}

pub fn team(t: &model::Team) -> wire::Team {
    wire::Team {
        id: t.id.clone(),
        key: t.key.clone(),
        name: t.name.clone(),
        created_at: t.created_at.clone(),
        version: t.version,
    }
}

pub fn task(t: model::Task) -> wire::Task {
    wire::Task {
        id: t.id,
        key: t.key,
        product: t.product,
        number: t.number,
        title: t.title,
        description: t.description,
        status: t.status,
        priority: t.priority,
        task_type: t.task_type,
        assignee: t.assignee.as_ref().map(person),
        team: t.team,
        estimate: t.estimate,
        due_date: t.due_date,
        labels: t.labels,
        parent: t.parent,
        feature: t.feature,
        created_by: person(&t.created_by),
        created_at: t.created_at,
        updated_at: t.updated_at,
        completed_at: t.completed_at,
        rank: t.rank,
        version: t.version,
    }
}

pub fn comment(c: &model::Comment, task_key: &str) -> wire::Comment {
    wire::Comment {
        id: c.id.clone(),
        task: task_key.to_string(),
        author: person(&c.author),
        body: c.body.clone(),
        created_at: c.created_at.clone(),
        updated_at: c.updated_at.clone(),
        version: c.version,
    }
}

pub fn activity(a: &model::Activity) -> wire::Activity {
    wire::Activity {
        id: a.id.clone(),
        actor: person(&a.actor),
        action: a.action.clone(),
        field: a.field.clone(),
        from: a.old_value.clone(),
        to: a.new_value.clone(),
        at: a.at.clone(),
    }
}

pub fn notification(n: &keel_store::repo::notifications::Notification) -> wire::Notification {
    wire::Notification {
        id: n.id.clone(),
        kind: n.kind.clone(),
        actor: person(&n.actor),
        task: n.task_key.clone(),
        task_title: n.task_title.clone(),
        comment: n.comment_id.clone(),
        excerpt: super::notifications::excerpt(n.comment_body.as_deref().unwrap_or(""), 140),
        created_at: n.created_at.clone(),
        read_at: n.read_at.clone(),
    }
}
