"""Form pieces shared by every app: the login form and the one prompt of an unchosen select."""

from django.contrib.auth.forms import AuthenticationForm

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
