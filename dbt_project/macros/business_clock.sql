{#- The business clock of a calendar read at instants (see int_business_clock_readings): the
    calendar's business seconds from the spine's anchor up to the instant. `located` is a
    relation with `read_at`, `business_calendar`, `local_date` (the instant's date in the
    calendar's zone) and the `keys` columns; the result has the keys, `read_at` and
    `business_clock_seconds`: an equi-join on the local date, no fan-out over periods. -#}
{% macro read_business_clock(located, keys) -%}
    select
        {%- for key in keys %}
        {{ located }}.{{ key }},
        {%- endfor %}
        {{ located }}.read_at,
        cast(
            max(spine.business_seconds_before_date)
            + coalesce(sum({{ clamp_seconds(
                seconds_between('spine.period_start_at', located ~ '.read_at'),
                'spine.period_seconds'
            ) }}), 0)
            as bigint
        ) as business_clock_seconds
    from {{ located }}
    inner join spine
        on
            {{ located }}.business_calendar = spine.calendar
            and {{ located }}.local_date = spine.local_date
    group by
        {%- for key in keys %}
        {{ located }}.{{ key }},
        {%- endfor %}
        {{ located }}.read_at
{%- endmacro %}

{#- The local date the business clock's readings count from: fixed, so that a reading taken
    in one build is still right in a later one whose spine starts earlier or ends later. -#}
{% macro business_clock_anchor_date() -%}
    cast('2000-01-01' as date)
{%- endmacro %}
