"""The second-factor panels other pages include: "my account" and the user page of the
security administrator. They read the state themselves, so the pages' views need not."""

from django import template

from ganchao.accounts import mfa

register = template.Library()


@register.inclusion_tag("accounts/_mfa_section.html", takes_context=True)
def mfa_section(context):
    user = context["request"].user
    enrolled = mfa.mfa_enrolled(user)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "enrolled": enrolled,
        "required": mfa.mfa_required(user),
        "codes_left": mfa.recovery_codes_left(user) if enrolled else 0,
    }


@register.inclusion_tag("accounts/_mfa_admin.html", takes_context=True)
def mfa_admin(context, subject):
    actor = context["request"].user
    return {
        "csrf_token": context.get("csrf_token"),
        "subject": subject,
        "enrolled": mfa.mfa_enrolled(subject),
        "required": mfa.mfa_required(subject),
        "is_self": actor.pk == subject.pk,
    }
