//! The organisation's OpenID Connect provider (Microsoft Entra ID, Keycloak, Google
//! Workspace, …): discovery, the authorization request, the code exchange and the
//! checks of the ID token. An outbound adapter like `mail`: it speaks the protocol
//! through the `openidconnect` crate and hands the service a checked [`Identity`] or a
//! [`Refusal`]; who may sign in is the service's question (`service::sign_in`).
//!
//! The flow is the authorization code flow with PKCE (S256), `state` and `nonce`. The
//! provider's metadata and keys are read at start-up and again after an hour; when
//! the provider cannot be reached, [`Provider::status`] says why and the next sign-in
//! tries again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;
use std::time::Duration as StdDuration;

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreIdTokenClaims, CoreTokenResponse,
};
use openidconnect::{
    reqwest, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse,
};

use crate::configuration::OidcSettings;
pub use crate::domain::sign_in::Refusal;

/// How long the provider's metadata and keys are used before they are read again.
const METADATA_LIFETIME: Duration = Duration::hours(1);
/// A call to the provider that takes longer than this fails.
const PROVIDER_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// A provider that could not be read is asked again at most this often.
const RETRY_GAP: Duration = Duration::seconds(5);
/// Keys are read again after an unknown signature at most this often.
const KEY_REFRESH_GAP: Duration = Duration::minutes(1);

/// What the provider says about the person who signed in, after every check passed.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// `email_verified` (or Entra ID's `xms_edov`) is true.
    pub email_verified: bool,
    /// The `amr` claim shows a second factor.
    pub second_factor: bool,
    /// The `groups` claim (ids or names, as the provider sends them).
    pub groups: Vec<String>,
    /// Google's `hd` claim: the Workspace domain of the account.
    pub hosted_domain: Option<String>,
    /// The ID token as it came, named (`id_token_hint`) when signing out at the provider.
    pub id_token: String,
}

/// A sign-in on its way: where to send the browser, and what to keep until it returns.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// What came back to the redirect URI.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// RFC 9207: the issuer of the answer, where the provider sends it.
    pub iss: Option<String>,
    pub error: Option<String>,
}

/// A client of the provider as discovery gives it (authorization endpoint set, token
/// and user-info endpoints where the provider names them).
type ProviderClient = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    openidconnect::core::CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

#[derive(Clone)]
struct Discovered {
    metadata: ProviderMetadataWithLogout,
    at: DateTime<Utc>,
}

enum Discovery {
    Ready(Box<Discovered>),
    /// Why the provider could not be read, and when that was tried.
    Failed {
        why: String,
        at: DateTime<Utc>,
    },
}

/// The configured provider and what was last read from it.
pub struct Provider {
    settings: OidcSettings,
    redirect: RedirectUrl,
    post_logout: String,
    http: reqwest::Client,
    discovery: RwLock<Discovery>,
    /// An outage of the provider has been recorded and has not ended yet.
    outage: AtomicBool,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("issuer", &self.settings.issuer)
            .finish()
    }
}

impl Provider {
    /// The provider of the settings, not yet read; `base_url` gives the redirect URI
    /// (`BASE/login/oidc/callback`) and where the provider sends the browser after
    /// signing out (`BASE/login`).
    pub fn new(settings: OidcSettings, base_url: &str) -> Result<Provider, String> {
        let base = base_url.trim_end_matches('/');
        let redirect = RedirectUrl::new(format!("{base}/login/oidc/callback"))
            .map_err(|e| format!("AVG_LOKET_BASE_URL gives no redirect URI: {e}"))?;
        // No redirects: a provider's answer is read where it was asked for (SSRF).
        let http = reqwest::ClientBuilder::new()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the HTTP client for the provider: {e}"))?;
        Ok(Provider {
            settings,
            redirect,
            post_logout: format!("{base}/login"),
            http,
            discovery: RwLock::new(Discovery::Failed {
                why: "not read yet".into(),
                at: DateTime::<Utc>::MIN_UTC,
            }),
            outage: AtomicBool::new(false),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// The redirect URI to register at the provider.
    pub fn redirect_uri(&self) -> &str {
        self.redirect.as_str()
    }

    /// A sign-in failed because the provider cannot be reached: is this the first of a
    /// new outage (to be recorded), rather than one more visitor during it?
    pub fn outage_begins(&self) -> bool {
        !self.outage.swap(true, Ordering::SeqCst)
    }

    /// `None` when the provider's metadata is at hand; otherwise why not.
    pub fn status(&self) -> Option<String> {
        match &*self.discovery.read().expect("discovery lock") {
            Discovery::Ready(_) => None,
            Discovery::Failed { why, .. } => Some(why.clone()),
        }
    }

    /// Reads the provider's discovery document and keys.
    pub async fn discover(&self, now: DateTime<Utc>) -> Result<(), String> {
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| e.to_string())?;
        match ProviderMetadataWithLogout::discover_async(issuer, &self.http).await {
            Ok(metadata) => {
                *self.discovery.write().expect("discovery lock") =
                    Discovery::Ready(Box::new(Discovered { metadata, at: now }));
                if self.outage.swap(false, Ordering::SeqCst) {
                    tracing::info!(issuer = %self.settings.issuer, "OpenID provider reachable again");
                }
                Ok(())
            }
            Err(error) => {
                let why = describe(&error);
                tracing::warn!(issuer = %self.settings.issuer, reason = %why, "OpenID provider cannot be read");
                let mut discovery = self.discovery.write().expect("discovery lock");
                match &mut *discovery {
                    // Keep metadata that worked; try again at the next sign-in.
                    Discovery::Ready(_) => {}
                    failed => {
                        *failed = Discovery::Failed {
                            why: why.clone(),
                            at: now,
                        }
                    }
                }
                Err(why)
            }
        }
    }

    /// The metadata, read again when it is older than an hour or missing.
    async fn metadata(&self, now: DateTime<Utc>) -> Result<ProviderMetadataWithLogout, Refusal> {
        let current = match &*self.discovery.read().expect("discovery lock") {
            Discovery::Ready(found) if now - found.at < METADATA_LIFETIME => {
                return Ok(found.metadata.clone())
            }
            Discovery::Ready(found) => Some(found.metadata.clone()),
            Discovery::Failed { at, .. } if now - *at < RETRY_GAP => {
                return Err(Refusal::ProviderUnreachable)
            }
            Discovery::Failed { .. } => None,
        };
        match (self.discover(now).await, current) {
            (Ok(()), _) => match &*self.discovery.read().expect("discovery lock") {
                Discovery::Ready(found) => Ok(found.metadata.clone()),
                Discovery::Failed { .. } => Err(Refusal::ProviderUnreachable),
            },
            (Err(_), Some(old)) => Ok(old),
            (Err(_), None) => Err(Refusal::ProviderUnreachable),
        }
    }

    fn client(&self, metadata: ProviderMetadataWithLogout) -> ProviderClient {
        CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// Where to send the browser to sign in, with a fresh `state`, `nonce` and PKCE pair.
    pub async fn authorize(&self, now: DateTime<Utc>) -> Result<Authorization, Refusal> {
        let client = self.client(self.metadata(now).await?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code (with the PKCE verifier) and checks the ID token: signature
    /// by a key the provider publishes, issuer, audience, expiry at `now`, nonce, and a
    /// second factor when `AVG_LOKET_OIDC_REQUIRE_MFA` asks for one. `state` was checked
    /// by the caller against the attempt it kept.
    pub async fn finish(
        &self,
        callback: &Callback,
        nonce: &str,
        pkce_verifier: &str,
        now: DateTime<Utc>,
    ) -> Result<Identity, Refusal> {
        if callback.error.is_some() {
            return Err(Refusal::ProviderError);
        }
        if callback
            .iss
            .as_deref()
            .is_some_and(|iss| iss.trim_end_matches('/') != self.settings.issuer)
        {
            return Err(Refusal::WrongIssuer);
        }
        let code = callback.code.clone().ok_or(Refusal::ProviderError)?;
        let metadata = self.metadata(now).await?;
        let client = self.client(metadata);
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|_| Refusal::ProviderError)?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|error| {
                tracing::debug!(error = %describe(&error), "the provider refused the code");
                Refusal::CodeRefused
            })?;
        let id_token = response.id_token().ok_or(Refusal::InvalidToken)?.clone();
        let nonce = Nonce::new(nonce.to_string());
        let claims = match self.check(&client, &id_token, &nonce, now) {
            Err(Refusal::BadSignature) => {
                // The provider may have rotated its keys: read them once more.
                let stale = match &*self.discovery.read().expect("discovery lock") {
                    Discovery::Ready(found) => now - found.at >= KEY_REFRESH_GAP,
                    Discovery::Failed { .. } => true,
                };
                if !stale || self.discover(now).await.is_err() {
                    return Err(Refusal::BadSignature);
                }
                let client = self.client(self.metadata(now).await?);
                self.check(&client, &id_token, &nonce, now)?
            }
            other => other?,
        };
        let extra = extra_claims(&id_token);
        let methods: Vec<&str> = claims
            .auth_method_refs()
            .map(|methods| methods.iter().map(|m| m.as_str()).collect())
            .unwrap_or_default();
        let second_factor = is_second_factor(
            &methods,
            claims.auth_context_ref().map(|acr| acr.as_str()),
            &self.settings.mfa_acr,
        );
        if self.settings.require_mfa && !second_factor {
            return Err(Refusal::NoSecondFactor);
        }
        Ok(Identity {
            issuer: self.settings.issuer.clone(),
            subject: claims.subject().as_str().to_string(),
            email: claims.email().map(|e| e.as_str().trim().to_lowercase()),
            email_verified: claims.email_verified() == Some(true) || extra.xms_edov == Some(true),
            second_factor,
            groups: extra.groups,
            hosted_domain: extra.hd.map(|hd| hd.trim().to_lowercase()),
            id_token: id_token.to_string(),
        })
    }

    fn check(
        &self,
        client: &ProviderClient,
        id_token: &CoreIdToken,
        nonce: &Nonce,
        now: DateTime<Utc>,
    ) -> Result<CoreIdTokenClaims, Refusal> {
        let verifier = client.id_token_verifier().set_time_fn(move || now);
        id_token
            .claims(&verifier, nonce)
            .cloned()
            .map_err(|error| match error {
                ClaimsVerificationError::Expired(_) => Refusal::Expired,
                ClaimsVerificationError::InvalidIssuer(_) => Refusal::WrongIssuer,
                ClaimsVerificationError::InvalidAudience(_) => Refusal::WrongAudience,
                ClaimsVerificationError::InvalidNonce(_) => Refusal::WrongNonce,
                ClaimsVerificationError::SignatureVerification(_) => Refusal::BadSignature,
                other => {
                    tracing::debug!(error = %other, "ID token refused");
                    Refusal::InvalidToken
                }
            })
    }

    /// Where to send the browser to sign out at the provider too (RP-initiated
    /// logout), when the provider offers it. `id_token_hint` names the session that
    /// ends, so that the provider may send the browser back without asking.
    pub async fn end_session_url(&self, now: DateTime<Utc>, id_token_hint: Option<&str>) -> Option<String> {
        let metadata = self.metadata(now).await.ok()?;
        let endpoint = metadata.additional_metadata().end_session_endpoint.clone()?;
        let mut url = endpoint.url().clone();
        {
            let mut query = url.query_pairs_mut();
            if let Some(hint) = id_token_hint {
                query.append_pair("id_token_hint", hint);
            }
            query
                .append_pair("client_id", &self.settings.client_id)
                .append_pair("post_logout_redirect_uri", &self.post_logout);
        }
        Some(url.to_string())
    }
}

/// RFC 8176 methods that are something one knows: a password, a PIN, an answer.
const KNOWLEDGE: [&str; 3] = ["pwd", "pin", "kba"];

/// Did the sign-in take a second factor? `amr` says `mfa`; or it names two methods of
/// which one is not something one knows (`pwd` with `otp`, `hwk` with `fpt`); or `acr`
/// is a level the organisation configured as two-factor (`AVG_LOKET_OIDC_MFA_ACR`). A
/// single method, whatever it is, is one factor.
fn is_second_factor(methods: &[&str], acr: Option<&str>, accepted_acr: &[String]) -> bool {
    let mut distinct: Vec<&str> = methods.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.contains(&"mfa")
        || (distinct.len() >= 2 && distinct.iter().any(|m| !KNOWLEDGE.contains(m)))
        || acr.is_some_and(|acr| accepted_acr.iter().any(|a| a == acr))
}

#[derive(Debug, Default, serde::Deserialize)]
struct ExtraClaims {
    #[serde(default)]
    groups: Vec<String>,
    /// Microsoft Entra ID: the e-mail domain is verified by the tenant.
    #[serde(default)]
    xms_edov: Option<bool>,
    /// Google: the Workspace domain.
    #[serde(default)]
    hd: Option<String>,
}

/// `groups` and `xms_edov`, read from the payload of an ID token whose signature and
/// claims were checked already.
fn extra_claims(id_token: &CoreIdToken) -> ExtraClaims {
    let jwt = id_token.to_string();
    jwt.split('.')
        .nth(1)
        .and_then(|payload| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .ok()
        })
        .and_then(|json| serde_json::from_slice::<ExtraClaims>(&json).ok())
        .unwrap_or_default()
}

/// An error and its causes on one line, for the log and the sign-in page.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_factor_is_mfa_two_methods_or_a_configured_level_and_never_one_method() {
        let none: [String; 0] = [];
        assert!(is_second_factor(&["mfa"], None, &none));
        assert!(is_second_factor(&["pwd", "mfa"], None, &none));
        assert!(is_second_factor(&["pwd", "otp"], None, &none));
        assert!(is_second_factor(&["hwk", "fpt"], None, &none));
        for one in ["otp", "hwk", "pwd", "sms", "face"] {
            assert!(!is_second_factor(&[one], None, &none), "{one} alone");
        }
        assert!(!is_second_factor(&["pwd", "pwd"], None, &none));
        assert!(
            !is_second_factor(&["pwd", "kba"], None, &none),
            "two things one knows"
        );
        assert!(!is_second_factor(&[], None, &none));
        let levels = ["http://schemas.example/loa/substantial".to_string()];
        assert!(is_second_factor(
            &["pwd"],
            Some("http://schemas.example/loa/substantial"),
            &levels
        ));
        assert!(!is_second_factor(
            &["pwd"],
            Some("http://schemas.example/loa/low"),
            &levels
        ));
        assert!(!is_second_factor(
            &["pwd"],
            Some("http://schemas.example/loa/substantial"),
            &none
        ));
    }
}
