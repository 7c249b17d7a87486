"""Form pieces shared by every app: the login and password-change forms and the one prompt of an
unchosen select."""

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

# What a form's select reads before anything is chosen (a filter's reads 不限, accounts.filters).
PLEASE_CHOOSE = "请选择"


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（注意区分大小写）。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class OwnPasswordChangeForm(PasswordChangeForm):
    """Every user changes their own password: the old one, then the new one twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "当前密码不正确，请重新输入。",
            "password_mismatch": "两次输入的新密码不一致。",
        }
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
