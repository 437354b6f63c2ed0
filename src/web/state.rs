//! What every handler of either adapter can reach (as `web::Data<AppState>`).

use crate::configuration::Settings;
use crate::service::Rules;
use crate::storage::Db;

/// Shared by both adapters: the database, the settings, the rules, the metrics.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    pub rules: Rules,
    pub metrics: super::metrics::Metrics,
    /// The organisation profile and templates of the letters.
    pub letters: crate::service::letters::LetterSetup,
    /// Wrong tokens per client address (API and sign-in page).
    pub sign_in_limit: super::sign_in_limit::SignInLimit,
    /// The organisation's OpenID Connect provider, when `AVG_LOKET_OIDC_ISSUER` is set.
    pub oidc: Option<std::sync::Arc<crate::oidc::Provider>>,
}

impl AppState {
    /// What a use case is given for `caller`, now.
    pub fn ctx<'a>(&'a self, caller: &'a crate::domain::access::Caller) -> crate::service::Ctx<'a> {
        crate::service::Ctx {
            db: &self.db,
            rules: &self.rules,
            letters: &self.letters,
            caller,
            now: crate::clock::now(),
        }
    }
}
