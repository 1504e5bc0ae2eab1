//! Kakao (OAuth 2.0). The email is verified only when `is_email_valid` and
//! `is_email_verified` are both true. PKCE is sent (RFC 6749 §3.1: unknown parameters are ignored).

use super::builtin::{Builtin, Profile};
use super::{ClientAuth, Pkce};

pub const KAKAO: Builtin = Builtin {
    id: "kakao",
    name: "Kakao",
    authorize: "https://kauth.kakao.com/oauth/authorize",
    token: "https://kauth.kakao.com/oauth/token",
    userinfo: "https://kapi.kakao.com/v2/user/me",
    scopes: &["account_email", "profile_image", "profile_nickname"],
    client_auth: ClientAuth::Post,
    pkce: Pkce::Supported,
    profile: Profile {
        name: &["kakao_account.profile.nickname", "kakao_account.name"],
        email: &["kakao_account.email"],
        image: &[
            "kakao_account.profile.profile_image_url",
            "kakao_account.profile.thumbnail_image_url",
        ],
        verified_all: &[
            "kakao_account.is_email_valid",
            "kakao_account.is_email_verified",
        ],
        ..Profile::REST
    },
    ..Builtin::OAUTH2
};
