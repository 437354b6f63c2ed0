//! Signing in and staying signed in: page sessions, token sign-in on the pages, the
//! limits per client address, and the organisation's OpenID Connect provider.

use std::fmt;

use super::{ConfigError, Vars};

/// How long a page session lasts.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// A page session ends after this long unused (`AVG_LOKET_SESSION_IDLE`, default `30m`).
    pub idle: chrono::Duration,
    /// … and after this long in any case (`AVG_LOKET_SESSION_MAX`, default `10h`).
    pub max: chrono::Duration,
}

impl SessionSettings {
    pub(super) fn read(vars: &mut Vars<'_>) -> Result<Self, ConfigError> {
        Ok(SessionSettings {
            idle: vars.parse("AVG_LOKET_SESSION_IDLE", "30m", parse_span)?,
            max: vars.parse("AVG_LOKET_SESSION_MAX", "10h", parse_span)?,
        })
    }
}

/// How people sign in.
#[derive(Debug, Clone)]
pub struct SignInSettings {
    /// Whether the pages offer sign-in with a personal token
    /// (`AVG_LOKET_PAGE_TOKEN_SIGNIN`; default `true` without a provider, `false` with
    /// `AVG_LOKET_OIDC_ISSUER`, whose second factor a token would skip); tokens stay for
    /// the API.
    pub page_token: bool,
    /// Wrong tokens a client address may send a minute before it must wait
    /// (`AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE`, default 10).
    pub failures_per_minute: u32,
    /// Sign-ins with the organisation's account a client address may start (or return
    /// from) a minute (`AVG_LOKET_SIGNIN_STARTS_PER_MINUTE`, default 60).
    pub starts_per_minute: u32,
    /// Signing in with the organisation's account (`AVG_LOKET_OIDC_*`); `None` when
    /// `AVG_LOKET_OIDC_ISSUER` is not set.
    pub oidc: Option<OidcSettings>,
}

impl SignInSettings {
    pub(super) fn read(vars: &mut Vars<'_>) -> Result<Self, ConfigError> {
        let page_token = vars.parse("AVG_LOKET_PAGE_TOKEN_SIGNIN", "", |v| match v.trim() {
            "" => Ok(None),
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            other => Err(format!("'{other}' is not true or false")),
        })?;
        let failures_per_minute = vars.number("AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE", "10", 1, 10_000)?;
        let starts_per_minute = vars.number("AVG_LOKET_SIGNIN_STARTS_PER_MINUTE", "60", 1, 100_000)?;
        let oidc = parse_oidc(&mut |name: &str, default: &str| vars.get(name, default))?;
        Ok(SignInSettings {
            // Default: on without a provider, off with one (a token would skip its second factor).
            page_token: page_token.unwrap_or(oidc.is_none()),
            failures_per_minute,
            starts_per_minute,
            oidc,
        })
    }
}

/// The organisation's OpenID Connect provider (Microsoft Entra ID, Keycloak, …).
#[derive(Clone)]
pub struct OidcSettings {
    /// `AVG_LOKET_OIDC_ISSUER`: the provider's issuer URL, as in its discovery document.
    pub issuer: String,
    /// `AVG_LOKET_OIDC_CLIENT_ID`.
    pub client_id: String,
    /// `AVG_LOKET_OIDC_CLIENT_SECRET`, or the first line of `AVG_LOKET_OIDC_CLIENT_SECRET_FILE`.
    pub client_secret: String,
    /// `AVG_LOKET_OIDC_REQUIRE_MFA=true`: the ID token must show a second factor.
    pub require_mfa: bool,
    /// `AVG_LOKET_OIDC_MFA_ACR=LEVEL,LEVEL`: `acr` values that stand for a second factor
    /// at this provider (besides `amr`).
    pub mfa_acr: Vec<String>,
    /// `AVG_LOKET_OIDC_ROLE_GROUPS=privacy_officer=GROUP,caseworker=GROUP,…`: the role
    /// follows the provider's `groups` claim at each sign-in (the first listed that
    /// matches wins). Empty: roles are set in avg-loket.
    pub role_groups: Vec<(crate::domain::access::Role, String)>,
    /// `AVG_LOKET_OIDC_TEAM_GROUPS=AMW=GROUP,JGZ=GROUP`: the teams follow the groups claim.
    pub team_groups: Vec<(crate::domain::team::TeamCode, String)>,
    /// `AVG_LOKET_OIDC_ALLOWED_DOMAINS=zorg.example,…`: only accounts of these domains
    /// sign in (Google's `hd` claim, else the verified e-mail address's domain).
    pub allowed_domains: Vec<String>,
}

/// Never print the client secret.
impl fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("require_mfa", &self.require_mfa)
            .field("mfa_acr", &self.mfa_acr)
            .field("role_groups", &self.role_groups)
            .field("team_groups", &self.team_groups)
            .field("allowed_domains", &self.allowed_domains)
            .finish()
    }
}

/// `CODE=GROUP,CODE=GROUP`: pairs of a code and a group id or name.
fn parse_group_map<T>(
    value: &str,
    code: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<(T, String)>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, group) = pair
                .split_once('=')
                .ok_or_else(|| format!("'{pair}' is not CODE=GROUP"))?;
            let group = group.trim();
            if group.is_empty() {
                return Err(format!("'{pair}' names no group"));
            }
            Ok((code(key.trim())?, group.to_string()))
        })
        .collect()
}

fn parse_oidc(get: &mut impl FnMut(&str, &str) -> String) -> Result<Option<OidcSettings>, ConfigError> {
    let issuer = get("AVG_LOKET_OIDC_ISSUER", "");
    if issuer.trim().is_empty() {
        return Ok(None);
    }
    let issuer = super::parse_var("AVG_LOKET_OIDC_ISSUER", &issuer, |v| {
        let v = v.trim().trim_end_matches('/');
        let refused = || {
            format!(
                "'{v}' is not an issuer URL (https://…, e.g. https://login.microsoftonline.com/TENANT/v2.0; plain http only for localhost, 127.0.0.1 or [::1])"
            )
        };
        let url = openidconnect::url::Url::parse(v).map_err(|_| refused())?;
        let this_machine = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        let fits = match url.scheme() {
            "https" => url.host_str().is_some(),
            "http" => this_machine,
            _ => false,
        };
        if fits && url.username().is_empty() && url.password().is_none() {
            Ok(v.to_string())
        } else {
            Err(refused())
        }
    })?;
    let client_id = super::parse_var(
        "AVG_LOKET_OIDC_CLIENT_ID",
        &get("AVG_LOKET_OIDC_CLIENT_ID", ""),
        |v| {
            Some(v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    "is needed with AVG_LOKET_OIDC_ISSUER (the application's client id at the provider)"
                        .to_string()
                })
        },
    )?;
    let secret = get("AVG_LOKET_OIDC_CLIENT_SECRET", "");
    let secret_file = get("AVG_LOKET_OIDC_CLIENT_SECRET_FILE", "");
    let client_secret = if !secret.trim().is_empty() {
        secret.trim().to_string()
    } else if !secret_file.trim().is_empty() {
        super::parse_var("AVG_LOKET_OIDC_CLIENT_SECRET_FILE", &secret_file, |path| {
            let text = std::fs::read_to_string(path.trim())
                .map_err(|e| format!("cannot read {}: {e}", path.trim()))?;
            Some(text.lines().next().unwrap_or_default().trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{} is empty", path.trim()))
        })?
    } else {
        return Err(ConfigError::new(
            "AVG_LOKET_OIDC_CLIENT_SECRET",
            "is needed with AVG_LOKET_OIDC_ISSUER (or AVG_LOKET_OIDC_CLIENT_SECRET_FILE, a file holding it)",
        ));
    };
    let require_mfa = super::parse_var(
        "AVG_LOKET_OIDC_REQUIRE_MFA",
        &get("AVG_LOKET_OIDC_REQUIRE_MFA", "false"),
        |v| match v.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(format!("'{other}' is not true or false")),
        },
    )?;
    let mfa_acr = get("AVG_LOKET_OIDC_MFA_ACR", "")
        .split(',')
        .map(str::trim)
        .filter(|level| !level.is_empty())
        .map(str::to_string)
        .collect();
    let role_groups = super::parse_var(
        "AVG_LOKET_OIDC_ROLE_GROUPS",
        &get("AVG_LOKET_OIDC_ROLE_GROUPS", ""),
        |v| {
            parse_group_map(v, |code| {
                crate::domain::access::Role::parse(code).map_err(|e| e.0.en)
            })
        },
    )?;
    let team_groups = super::parse_var(
        "AVG_LOKET_OIDC_TEAM_GROUPS",
        &get("AVG_LOKET_OIDC_TEAM_GROUPS", ""),
        |v| {
            parse_group_map(v, |code| {
                crate::domain::team::TeamCode::parse(code).map_err(|e| e.0.en)
            })
        },
    )?;
    // Keycloak sends a group by its name alone unless the groups mapper's "Full group
    // path" is on: a group `fg` anywhere in the realm would then match. Ask the path.
    if issuer.contains("/realms/") {
        let names = role_groups
            .iter()
            .map(|(_, g)| ("AVG_LOKET_OIDC_ROLE_GROUPS", g))
            .chain(team_groups.iter().map(|(_, g)| ("AVG_LOKET_OIDC_TEAM_GROUPS", g)));
        for (name, group) in names {
            if !group.starts_with('/') {
                return Err(ConfigError::new(
                    name,
                    format!(
                        "'{group}' is not a full group path: with Keycloak give the path (e.g. /zorg/{group}) and turn on \"Full group path\" in the client's groups mapper"
                    ),
                ));
            }
        }
    }
    let allowed_domains = super::parse_var(
        "AVG_LOKET_OIDC_ALLOWED_DOMAINS",
        &get("AVG_LOKET_OIDC_ALLOWED_DOMAINS", ""),
        |v| {
            v.split(',')
                .map(|d| d.trim().trim_start_matches('@').to_lowercase())
                .filter(|d| !d.is_empty())
                .map(|d| {
                    let fits = d.contains('.')
                        && d.split('.').all(|label| {
                            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        });
                    if fits {
                        Ok(d)
                    } else {
                        Err(format!("'{d}' is not a domain (e.g. zorg.example)"))
                    }
                })
                .collect::<Result<Vec<_>, _>>()
        },
    )?;
    Ok(Some(OidcSettings {
        issuer,
        client_id,
        client_secret,
        require_mfa,
        mfa_acr,
        role_groups,
        team_groups,
        allowed_domains,
    }))
}

/// A length of time as `45s`, `30m` or `10h`.
fn parse_span(value: &str) -> Result<chrono::Duration, String> {
    let value = value.trim();
    let (number, unit) = value.split_at(value.len().saturating_sub(1));
    let n: i64 = number
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("'{value}' is not a length of time (e.g. 30m, 10h, 90s)"))?;
    match unit {
        "s" => Ok(chrono::Duration::seconds(n)),
        "m" => Ok(chrono::Duration::minutes(n)),
        "h" => Ok(chrono::Duration::hours(n)),
        _ => Err(format!("'{value}' is not a length of time (e.g. 30m, 10h, 90s)")),
    }
}
