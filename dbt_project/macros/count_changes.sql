{#- Per ticket, how often `value_column` was moved away from a value, over the rows of
    `relation` (each row one setting of the value, ordered by `activity_sequence`): a setting
    whose previous setting is non-null and differs from it (another value, or null:
    unassigning). Setting a value where there was none (the first assignment, or after an
    unassignment) is an assignment, not a change. Returns a select of
    `ticket_id, change_count`. -#}
{% macro count_reassignments(relation, value_column) -%}
    select
        ticket_id,
        sum(
            case
                when previous_setting is not null
                    and (setting is null or setting <> previous_setting)
                    then 1
                else 0
            end
        ) as change_count
    from (
        select
            ticket_id,
            {{ value_column }} as setting,
            lag({{ value_column }}) over ticket_order as previous_setting
        from {{ relation }}
        window ticket_order as (partition by ticket_id order by activity_sequence)
    ) as settings
    group by ticket_id
{%- endmacro %}
