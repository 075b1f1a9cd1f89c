"""Flask-WTF forms (each carries its CSRF token) with Vietnamese messages."""
from datetime import UTC

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.clock import VN_TZ, to_vietnam
from app.dates import (
    DATE_PATTERN,
    DATE_PLACEHOLDER,
    DATETIME_PATTERN,
    DATETIME_PLACEHOLDER,
    DateFormatError,
    date_text,
    parse_date,
    parse_datetime,
)
from app.models import ROLE_LABELS
from app.services.accounts.users import MIN_PASSWORD_LENGTH

REQUIRED = "Trường này là bắt buộc."

# WTForms ships no Vietnamese catalogue: its built-in messages, translated.
VIETNAMESE_MESSAGES = {
    "This field is required.": REQUIRED,
    "Not a valid choice.": "Giá trị đã chọn không hợp lệ.",
    "Not a valid choices.": "Giá trị đã chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Giá trị đã chọn không hợp lệ.",
    "Choices cannot be None.": "Giá trị đã chọn không hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ (nhập theo dạng dd/mm/yyyy).",
    "Not a valid integer value.": "Cần nhập một số nguyên.",
    "Not a valid decimal value.": "Cần nhập một số.",
    "Not a valid float value.": "Cần nhập một số.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Giá trị phải trùng với trường %(other_name)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải trong khoảng %(min)s đến %(max)s.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải không quá %(max)s.",
    "The CSRF token is missing.": "Thiếu mã bảo mật của biểu mẫu. Vui lòng tải lại trang.",
    "The CSRF token is invalid.": "Mã bảo mật của biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
    "The CSRF token has expired.": "Mã bảo mật của biểu mẫu đã hết hạn. Vui lòng tải lại trang.",
    "The CSRF tokens do not match.": "Mã bảo mật của biểu mẫu không khớp. Vui lòng tải lại trang.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Tối đa %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Độ dài phải từ %(min)d đến %(max)d ký tự.",
}


class VietnameseTranslations:
    """Translations object for WTForms' Meta: Vietnamese for the messages above, else English."""

    def gettext(self, string):
        return VIETNAMESE_MESSAGES.get(string, string)

    def ngettext(self, singular, plural, n):
        return VIETNAMESE_MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


class VNForm(FlaskForm):
    """Base form: CSRF from Flask-WTF, messages in Vietnamese."""

    class Meta:
        def get_translations(self, form):
            return VietnameseTranslations()


def _short_label(field, default: str) -> str:
    """The field's label without its parenthesised hint (``Thời điểm đăng (để trống: …)``)."""
    text = field.label.text if field.label else ""
    return text.split(" (")[0] or default


class DateTextInput(TextInput):
    """A text box for ``dd/mm/yyyy`` (or ``dd/mm/yyyy HH:MM``), whatever ``type`` a template asks
    for: the browser's date inputs show dates in the browser's locale order."""

    def __init__(self, with_time: bool = False):
        super().__init__()
        self.with_time = with_time

    def __call__(self, field, **kwargs):
        kwargs.pop("type", None)
        example = "10/04/2024 08:30" if self.with_time else "10/04/2024"
        kwargs.setdefault("placeholder", DATETIME_PLACEHOLDER if self.with_time else DATE_PLACEHOLDER)
        kwargs.setdefault("pattern", DATETIME_PATTERN if self.with_time else DATE_PATTERN)
        kwargs.setdefault("title", f"Nhập theo dạng {kwargs['placeholder']}, ví dụ {example}")
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("inputmode", "text" if self.with_time else "numeric")
        kwargs["data-date"] = "datetime" if self.with_time else "date"
        return super().__call__(field, **kwargs)


class VNDateField(DateField):
    """A date typed as ``dd/mm/yyyy`` in a text box (ISO ``yyyy-mm-dd`` accepted too); shown back as
    ``dd/mm/yyyy``; a Vietnamese message for anything else."""

    widget = DateTextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%d/%m/%Y", "%Y-%m-%d"], **kwargs)

    def process_formdata(self, valuelist):
        self.raw_data = valuelist
        self.data = None
        try:
            self.data = parse_date(valuelist[0] if valuelist else "", _short_label(self, "Ngày"))
        except DateFormatError as exc:
            raise ValueError(str(exc)) from None

    def _value(self):
        if self.raw_data and self.raw_data[0] and self.data is None:
            return self.raw_data[0]  # what was typed, to be corrected
        return date_text(self.data)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(VNForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired(REQUIRED), Length(max=64)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED), Length(max=256)])
    remember = BooleanField("Ghi nhớ đăng nhập")
    submit = SubmitField("Đăng nhập")


class ChangePasswordForm(VNForm):
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


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class UserEditForm(VNForm):
    full_name = StringField("Họ và tên", validators=[DataRequired(REQUIRED), Length(max=200)])
    # Optional; checked as an address by the account service (accounts.normalise_email).
    email = StringField("E-mail nhận thông báo", filters=[_strip], validators=[Optional(), Length(max=254)])
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


class ResetPasswordForm(VNForm):
    new_password = PasswordField(
        "Mật khẩu mới",
        validators=[
            DataRequired(REQUIRED),
            Length(min=MIN_PASSWORD_LENGTH, max=256, message=f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."),
        ],
    )
    submit = SubmitField("Đặt lại mật khẩu")


class UnitForm(VNForm):
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


class ConfirmForm(VNForm):
    """An empty form: only its CSRF token, for buttons that change something."""

    submit = SubmitField("Xác nhận")


class DocumentForm(VNForm):
    """Metadata, text and files of a library document."""

    category = SelectField("Nhóm văn bản", validators=[DataRequired(REQUIRED)])
    doc_type = SelectField("Loại văn bản", validators=[DataRequired(REQUIRED)])
    number = StringField("Số ký hiệu", validators=[Length(max=100)], description="Ví dụ: 107/2021/NĐ-CP, 2337/KH-TTCP")
    parent_number = StringField("Kèm theo văn bản số", validators=[Length(max=100)],
                                description="Chỉ với Phụ lục: số ký hiệu của văn bản mà phụ lục kèm theo, "
                                            "ví dụ 30/2020/NĐ-CP")
    title = TextAreaField("Trích yếu", validators=[DataRequired(REQUIRED), Length(max=1000)])
    summary = TextAreaField("Tóm tắt", validators=[Length(max=20000)])
    issuer = StringField("Cơ quan ban hành", validators=[Length(max=255)])
    signer = StringField("Người ký", validators=[Length(max=255)])
    signer_title = StringField("Chức vụ người ký", validators=[Length(max=255)],
                               description="Ví dụ: Thủ tướng, Bộ trưởng, Chánh Văn phòng")
    issued_on = VNDateField("Ngày ban hành", validators=[Optional()])
    effective_on = VNDateField("Ngày có hiệu lực", validators=[Optional()])
    expires_on = VNDateField("Ngày hết hiệu lực", validators=[Optional()],
                             description="Để trống nếu văn bản không định thời hạn.")
    gazette_number = StringField("Số công báo", validators=[Length(max=100)], description="Ví dụ: 1015 + 1016")
    gazette_on = VNDateField("Ngày đăng công báo", validators=[Optional()])
    status = SelectField("Tình trạng hiệu lực",
                         description="Khi văn bản khác thay thế, bãi bỏ hoặc sửa đổi văn bản này, tình trạng "
                                     "được tính theo quan hệ văn bản từ ngày văn bản đó có hiệu lực.")
    fields = MultiCheckboxField("Lĩnh vực CCHC", coerce=int)
    visibility = RadioField("Phạm vi xem", default="all")
    units = MultiCheckboxField("Đơn vị được xem (khi hạn chế)", coerce=int)
    body = TextAreaField("Toàn văn")
    source_file = FileField("Tệp Word (.docx) để đọc thông tin")
    attachments = MultipleFileField("Tệp đính kèm")
    pending_token = HiddenField()
    version = HiddenField()


class RelationForm(VNForm):
    relation_type = SelectField("Quan hệ")
    target_number = StringField("Số ký hiệu văn bản liên quan", validators=[DataRequired(REQUIRED), Length(max=100)])


class AttachmentForm(VNForm):
    file = FileField("Tệp đính kèm", validators=[DataRequired("Chưa chọn tệp để tải lên.")])


class VNDateTimeField(StringField):
    """A Vietnam-time moment typed as ``dd/mm/yyyy HH:MM`` (24-hour) in a text box (ISO accepted
    too); ``data`` is naive UTC (the storage convention), None when empty; shown back in Vietnam
    time as ``dd/mm/yyyy HH:MM``."""

    widget = DateTextInput(with_time=True)

    def process_formdata(self, valuelist):
        self.raw_data = valuelist
        self.data = None
        try:
            local = parse_datetime(valuelist[0] if valuelist else "", _short_label(self, "Thời điểm"))
        except DateFormatError as exc:
            raise ValueError(str(exc)) from None
        if local is not None:
            self.data = local.replace(tzinfo=VN_TZ).astimezone(UTC).replace(tzinfo=None)

    def _value(self):
        if self.raw_data and self.raw_data[0] and self.data is None:
            return self.raw_data[0]
        if self.data:
            return to_vietnam(self.data).strftime("%d/%m/%Y %H:%M")
        return ""


class ArticleForm(VNForm):
    title = TextAreaField("Tiêu đề", validators=[DataRequired(), Length(max=500)])
    summary = TextAreaField("Tóm tắt (sa-pô)", validators=[Optional(), Length(max=1000)])
    body = TextAreaField("Nội dung bài viết", validators=[Optional(), Length(max=200_000)])
    author_name = StringField("Tác giả", validators=[Optional(), Length(max=300)])
    source_line = StringField("Nguồn", validators=[Optional(), Length(max=300)])
    cover = FileField("Ảnh đại diện (JPEG, PNG, WebP; tối đa 5 MB)")
    cover_caption = StringField("Chú thích ảnh", validators=[Optional(), Length(max=300)])
    remove_cover = BooleanField("Bỏ ảnh đại diện hiện tại")
    fields = MultiCheckboxField("Lĩnh vực CCHC", coerce=int)
    version = HiddenField()


class ArticleDocxForm(VNForm):
    file = FileField("Tệp Word (.docx)", validators=[DataRequired("Chưa chọn tệp để tải lên.")])


class ArticleImageForm(VNForm):
    file = FileField("Chọn ảnh chèn vào bài (JPEG, PNG, WebP; tối đa 5 MB)",
                     validators=[DataRequired("Chưa chọn ảnh để tải lên.")])
    caption = StringField("Chú thích của ảnh trong bài", validators=[Optional(), Length(max=300)])


class PublishForm(VNForm):
    publish_at = VNDateTimeField("Thời điểm đăng (để trống: đăng ngay)")
    expires_at = VNDateTimeField("Hết hạn hiển thị (không bắt buộc)")
    version = HiddenField()


class ReviewCommentForm(VNForm):
    comment = TextAreaField("Lý do / góp ý", validators=[Optional(), Length(max=2000)])
    version = HiddenField()


# Plans, tasks, periods, progress updates, unit reports, import


class PlanForm(VNForm):
    year = IntegerField("Năm", validators=[DataRequired(REQUIRED), NumberRange(2000, 2100)])
    number = StringField("Số ký hiệu", validators=[DataRequired(REQUIRED), Length(max=100)],
                         description="Ví dụ: 2337/KH-TTCP")
    title = StringField("Tên kế hoạch", validators=[DataRequired(REQUIRED), Length(max=500)])
    version = HiddenField()


class TaskForm(VNForm):
    code = StringField("Mã nhiệm vụ", validators=[DataRequired(REQUIRED), Length(max=20)], description="Ví dụ: 3.2")
    title = TextAreaField("Tên nhiệm vụ", validators=[DataRequired(REQUIRED), Length(max=1000)])
    field_id = SelectField("Lĩnh vực CCHC", coerce=int)
    lead_unit_id = SelectField("Đơn vị chủ trì", coerce=int)
    unit_ids = MultiCheckboxField("Đơn vị phối hợp", coerce=int)
    deadline = VNDateField("Thời hạn", validators=[Optional()])
    expected_output = TextAreaField("Sản phẩm dự kiến", validators=[Length(max=5000)])
    version = HiddenField()


class PeriodsForm(VNForm):
    q1 = VNDateField("Hạn báo cáo quý I", validators=[Optional()])
    h1 = VNDateField("Hạn báo cáo 6 tháng", validators=[Optional()])
    q3 = VNDateField("Hạn báo cáo 9 tháng", validators=[Optional()])
    year = VNDateField("Hạn báo cáo năm", validators=[Optional()])


class UpdateForm(VNForm):
    status = SelectField("Tình trạng", validators=[DataRequired(REQUIRED)])
    percent = IntegerField("Tỷ lệ hoàn thành (%)",
                           validators=[Optional(), NumberRange(0, 100, "Tỷ lệ phải từ 0 đến 100.")])
    done = TextAreaField("Công việc đã thực hiện", validators=[DataRequired(REQUIRED), Length(max=10000)])
    figures = TextAreaField("Số liệu kiểm chứng", validators=[Length(max=10000)],
                            description="Ví dụ: Đã rà soát 37/52 văn bản; 100% hồ sơ được số hóa.")
    attachments = MultipleFileField("Tệp minh chứng")


class ReportForm(VNForm):
    file = FileField("Tệp báo cáo (.docx)")
    number = StringField("Số ký hiệu", validators=[Length(max=100)])
    issued_on = VNDateField("Ngày báo cáo", validators=[Optional()])
    title = StringField("Trích yếu", validators=[Length(max=1000)])
    confirm_period = BooleanField("Tôi đã kiểm tra: vẫn nộp báo cáo này vào kỳ này")
    pending_token = HiddenField()
    pending_name = HiddenField()
    version = HiddenField()


class ImportForm(VNForm):
    file = FileField("Tệp danh sách nhiệm vụ (.xlsx hoặc .csv)")
