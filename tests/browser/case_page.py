"""What the browser tests do on the case page more than once."""


def determine_shutdown(page, area, measures, **deadline):
    """Fill the 认定 form as 关停取缔 / 限期拆除 with 王分包 of 甲一镇政府 responsible, the
    deadline given as `deadline="YYYY-MM-DD"` or `working_days="N"`, and submit it."""
    form = "#form-determine"
    page.select_option(f"{form} [name=disposal]", "shutdown")
    page.select_option(f"{form} [name=requirement]", "demolish")
    page.fill(f"{form} [name=measures]", measures)
    page.select_option(f"{form} [name=responsible_unit]", str(area["orgs"]["township_a1"].pk))
    page.fill(f"{form} [name=responsible_person]", "王分包")
    for name, value in deadline.items():
        page.fill(f"{form} [name={name}]", value)
    page.click("#action-determine")
    page.wait_for_selector("text=案件已认定")
