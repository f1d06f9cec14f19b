from . import roles as rules


def roles(request):
    """Expose what the current user may do, so templates show only reachable links."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "user_roles": rules.roles_of(user),
        "can_manage_studies": rules.can_manage_studies(user),
        "can_read_results": rules.can_read_results(user),
        "can_read_open_answers": rules.can_read_open_answers(user),
        "is_administrator": rules.is_administrator(user),
    }
