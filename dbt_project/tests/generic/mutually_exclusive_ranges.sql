{#- Within each partition, ranges [lower, upper] taken in `order_by` order must not overlap:
    lower <= upper, and each range starts at or after the previous one ends. With
    gaps='not_allowed' each range must start exactly where the previous one ends. -#}
{% test mutually_exclusive_ranges(model, lower_bound_column, upper_bound_column, partition_by, order_by, gaps='allowed') %}

with

ranges as (

    select
        {{ partition_by }} as partition_key,
        {{ lower_bound_column }} as lower_bound,
        {{ upper_bound_column }} as upper_bound,
        lag({{ upper_bound_column }}) over (
            partition by {{ partition_by }}
            order by {{ order_by }}
        ) as previous_upper_bound
    from {{ model }}

)

select *
from ranges
where lower_bound > upper_bound
    or lower_bound is null
    or upper_bound is null
    {%- if gaps == 'not_allowed' %}
    or lower_bound <> previous_upper_bound
    {%- else %}
    or lower_bound < previous_upper_bound
    {%- endif %}

{% endtest %}
