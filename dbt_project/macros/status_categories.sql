{#- The canonical status categories in stage order: each is a column of the metrics
    (`seconds_<category>`) and of the daily summary (`backlog_<category>`), so the list is
    needed at compile time. The seed `ticketflow_status_categories` holds the same list; its
    accepted_values test keeps the two equal. -#}
{% macro status_categories() -%}
    {{ return([
        'open', 'pending', 'waiting_on_customer', 'waiting_on_third_party', 'resolved', 'closed',
        'other',
    ]) }}
{%- endmacro %}
