{#- Per ticket, how often `value_column` changed after it was first set, over the rows of
    `relation` (each row one setting of the value, ordered by `activity_sequence`). The first
    setting is an assignment, not a change; setting null (unassigning) is a change. Returns a
    select of `ticket_id, change_count`. -#}
{% macro count_changes_after_first(relation, value_column) -%}
    select
        ticket_id,
        sum(
            case
                when setting_number > 1
                    and (
                        setting <> previous_setting
                        or (setting is null) <> (previous_setting is null)
                    )
                    then 1
                else 0
            end
        ) as change_count
    from (
        select
            ticket_id,
            {{ value_column }} as setting,
            row_number() over ticket_order as setting_number,
            lag({{ value_column }}) over ticket_order as previous_setting
        from {{ relation }}
        window ticket_order as (partition by ticket_id order by activity_sequence)
    ) as settings
    group by ticket_id
{%- endmacro %}
