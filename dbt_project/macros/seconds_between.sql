{#- Whole seconds from `start_at` to `end_at` as a bigint (null if either is null). -#}
{% macro seconds_between(start_at, end_at) -%}
    cast({{ dbt.datediff(start_at, end_at, 'second') }} as bigint)
{%- endmacro %}

{#- Whole seconds from the ticket's creation (`tickets.created_at`) to `end_at`; null for a
    ticket created before the exports (`is_created_in_window` false): its real creation time
    is unknown, and its first activity would pass for it (a reply as a 0 s response). -#}
{% macro seconds_from_creation(end_at, tickets='tickets') -%}
    case
        when {{ tickets }}.is_created_in_window
            then {{ seconds_between(tickets ~ '.created_at', end_at) }}
    end
{%- endmacro %}
