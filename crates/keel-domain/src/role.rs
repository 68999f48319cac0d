//! Workspace roles and what each may do. This table is the single place the
//! rules live; the server asks `role.allows(permission)` and nothing else.

use crate::FieldError;

/// A member's role in one workspace, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Owner,
    Admin,
    Member,
    Viewer,
    Guest,
}

/// Something a request wants to do inside a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the workspace's items.
    Read,
    /// Comment on items, submit feedback and ideas, vote.
    Comment,
    /// See customers, companies and what they said: personal data that
    /// guests (often customers themselves) never see.
    ReadCustomers,
    /// Create, edit and delete work items such as tasks.
    Write,
    /// Create and change products and teams.
    ManageProducts,
    /// Add members, change their roles, deactivate them.
    ManageMembers,
    /// Grant or take away the owner role.
    ManageOwners,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Member,
        Role::Viewer,
        Role::Guest,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
            Role::Guest => "guest",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                FieldError::new(field, "must be one of owner, admin, member, viewer, guest")
            })
    }

    /// The permission table. Guests read and comment: they take part in
    /// discussion and may submit feedback, but never change the work itself
    /// nor read other customers' feedback. Viewers only read.
    pub fn allows(&self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::Admin => !matches!(permission, ManageOwners),
            Role::Member => matches!(permission, Read | Comment | ReadCustomers | Write),
            Role::Viewer => matches!(permission, Read | ReadCustomers),
            Role::Guest => matches!(permission, Read | Comment),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_print() {
        for role in Role::ALL {
            assert_eq!(Role::parse("role", role.as_str()).unwrap(), role);
        }
        assert_eq!(Role::parse("role", "root").unwrap_err().field, "role");
    }

    #[test]
    fn permission_table() {
        use Permission::*;
        let table = [
            (Role::Owner, [true, true, true, true, true, true, true]),
            (Role::Admin, [true, true, true, true, true, true, false]),
            (Role::Member, [true, true, true, true, false, false, false]),
            (
                Role::Viewer,
                [true, false, true, false, false, false, false],
            ),
            (Role::Guest, [true, true, false, false, false, false, false]),
        ];
        let perms = [
            Read,
            Comment,
            ReadCustomers,
            Write,
            ManageProducts,
            ManageMembers,
            ManageOwners,
        ];
        for (role, expected) in table {
            for (perm, want) in perms.iter().zip(expected) {
                assert_eq!(role.allows(*perm), want, "{role:?} {perm:?}");
            }
        }
    }
}
