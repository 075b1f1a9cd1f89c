"""Forms of the plan area (plans, tasks, periods, progress updates, unit reports, import), in
Vietnamese, each with its CSRF token. Kept apart from ``app.forms`` so the areas grow independently."""
from flask_wtf.file import FileField, MultipleFileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import REQUIRED, MultiCheckboxField, VNDateField, VNForm


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
    pending_token = HiddenField()
    version = HiddenField()


class ImportForm(VNForm):
    file = FileField("Tệp danh sách nhiệm vụ (.xlsx hoặc .csv)")
