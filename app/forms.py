"""Flask-WTF forms (each carries its CSRF token) with Vietnamese messages."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.models import ROLE_LABELS
from app.services.accounts import MIN_PASSWORD_LENGTH

REQUIRED = "Trường này là bắt buộc."


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired(REQUIRED), Length(max=64)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED), Length(max=256)])
    remember = BooleanField("Ghi nhớ đăng nhập")
    submit = SubmitField("Đăng nhập")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Mật khẩu hiện tại", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        "Mật khẩu mới",
        validators=[
            DataRequired(REQUIRED),
            Length(min=MIN_PASSWORD_LENGTH, max=256, message=f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."),
        ],
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[DataRequired(REQUIRED), EqualTo("new_password", message="Hai lần nhập mật khẩu mới không khớp.")],
    )
    submit = SubmitField("Đổi mật khẩu")


def _role_choices():
    return [SelectChoice(name, label) for name, label in ROLE_LABELS.items()]


class UserEditForm(FlaskForm):
    full_name = StringField("Họ và tên", validators=[DataRequired(REQUIRED), Length(max=200)])
    unit_id = SelectField("Đơn vị", coerce=int)
    roles = MultiCheckboxField("Vai trò", choices=_role_choices())
    active = BooleanField("Đang hoạt động", default=True)
    submit = SubmitField("Lưu")


class UserCreateForm(UserEditForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[
            DataRequired(REQUIRED),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9._-]+$", message="Tên đăng nhập chỉ gồm chữ không dấu, số và . _ -"),
        ],
    )
    password = PasswordField(
        "Mật khẩu ban đầu",
        validators=[
            DataRequired(REQUIRED),
            Length(min=MIN_PASSWORD_LENGTH, max=256, message=f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."),
        ],
    )


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        "Mật khẩu mới",
        validators=[
            DataRequired(REQUIRED),
            Length(min=MIN_PASSWORD_LENGTH, max=256, message=f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."),
        ],
    )
    submit = SubmitField("Đặt lại mật khẩu")


class UnitForm(FlaskForm):
    code = StringField(
        "Mã đơn vị",
        validators=[
            DataRequired(REQUIRED),
            Length(max=20),
            Regexp(r"^[A-Za-z0-9_-]+$", message="Mã đơn vị chỉ gồm chữ không dấu, số, _ và -."),
        ],
    )
    name = StringField("Tên đơn vị", validators=[DataRequired(REQUIRED), Length(max=200)])
    submit = SubmitField("Thêm đơn vị")


class ConfirmForm(FlaskForm):
    """An empty form: only its CSRF token, for buttons that change something."""

    submit = SubmitField("Xác nhận")
