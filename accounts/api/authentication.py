"""Token authentication for the API against hashed, expiring tokens (accounts.models.ApiToken).

Clients send `Authorization: Token <key>` as before; a key unknown, expired or of a disabled
user answers 401 with a Chinese message (and `WWW-Authenticate: Token`)."""

from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from ..models import ApiToken


class ExpiringTokenAuthentication(TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.objects.matching(key)
        if token is None:
            raise AuthenticationFailed("API 令牌无效，请检查或重新获取令牌。")
        if token.is_expired:
            raise AuthenticationFailed(
                f"API 令牌已于 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M} 过期，请向系统管理员重新获取令牌。"
            )
        if not token.user.is_active:
            raise AuthenticationFailed("该账号已停用，令牌不能使用。")
        return token.user, token
